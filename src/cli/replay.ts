// `bss replay …` calls /api/v1/event-replay over HTTP (admin key), so it works in every deployment mode.
import { Command, Option } from 'commander';
import { createApiClient, type ApiClient, type JobSnapshot } from './api-client.ts';
import {
  action,
  clientConfig,
  examples,
  jsonOption,
  serviceOptions,
  UsageError,
  type Out,
  type ServiceFlags,
} from './common.ts';
import { formatDuration, formatMoney } from './format.ts';
import { startProgress, startTicker } from './progress.ts';
import { loadPushgatewayUrl } from '../config.ts';
import { withJobResult } from '../observability/pushgateway.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any; // the API's JSON, printed field by field
type Flags = ServiceFlags & Record<string, string | boolean | undefined>;

const query = (params: Record<string, string | boolean | undefined>) => {
  const entries = Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};
/** A changed value on one line: a whole new record shows as {…} (--json has it all). */
const brief = (value: unknown) =>
  value === undefined ? '(none)' : typeof value === 'object' && value !== null ? '{…}' : JSON.stringify(value);
const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
const client = (flags: Flags) => createApiClient(clientConfig(flags), '/api/v1/event-replay');

function target(spec: string | undefined): unknown {
  if (spec === undefined || spec === 'sandbox') return { kind: 'sandbox' };
  const [kind, rest] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  if (kind === 'handlers' && rest) return { kind, names: rest.split(',') };
  if (kind === 'topic' && rest) return { kind, topic: rest };
  throw new UsageError('--target is sandbox, handlers:NAME[,NAME] or topic:NAME');
}

function leaf(parent: Command, spec: string, description: string, ...example: string[]): Command {
  const command = parent.command(spec).description(description).addOption(jsonOption());
  serviceOptions(command);
  return examples(command, ...example);
}
const fromTo = (c: Command) =>
  c.option('--from <time>', 'first event time (ISO-8601 or ms)').option('--to <time>', 'end time (exclusive)');
const topicOption = (c: Command) => c.option('--topic <topic>', 'topic (default: the live event topic)');

function describeJob(job: JobSnapshot, out: Out): void {
  out(
    `${job.id}  ${job.status}  ${job.progress.processed}/${job.progress.total} processed, ${job.delivered} delivered`,
  );
  if (job.failure) out(`failed: ${job.failure}`);
  if (job.errorCount > 0) {
    out(`${job.errorCount} errors${job.errors.length < job.errorCount ? ` (first ${job.errors.length})` : ''}:`);
    for (const e of job.errors)
      out(`  partition ${e.partition} offset ${e.offset} ${e.type ?? '(undecodable)'}: ${e.message}`);
  }
}

/** Follows a job with a progress bar; Ctrl-C cancels it (a second one leaves at once). */
async function follow(api: ApiClient, job: JobSnapshot, out: Out): Promise<JobSnapshot> {
  const abort = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    abort.abort();
  };
  // Before the announcement: a Ctrl-C sent as soon as it is read must cancel, not kill, the CLI.
  process.on('SIGINT', onSigint);
  process.stderr.write(`job ${job.id} started; Ctrl-C cancels it (--detach leaves a job running)\n`);
  const progress = startProgress('replay', job.progress.total, { unit: 'events' });
  try {
    const final = await api.follow(
      job.id,
      (u) =>
        progress.update(u.progress.processed, u.progress.total, { rate: `${u.throughput} ev/s`, status: u.status }),
      abort.signal,
    );
    progress.stop();
    out(
      `job ${final.id} ${final.status}: ${final.delivered} delivered, ${final.errorCount} errors, ${final.throughput} ev/s`,
    );
    if (final.failure) out(`failed: ${final.failure}`);
    if (final.status !== 'COMPLETED') process.exitCode = 1;
    return final;
  } catch (error) {
    progress.stop();
    if (!interrupted) throw error;
    const cancelled = await api.call<JobSnapshot>('POST', `/replay/${encodeURIComponent(job.id)}/cancel`);
    process.stderr.write(`interrupted: job ${cancelled.id} ${cancelled.status} (bss replay job ${cancelled.id})\n`);
    process.exitCode = 130;
    return cancelled;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function inspectCommands(replay: Command): void {
  leaf(
    replay,
    'offsets [topic]',
    'topic offsets and consumer-group lag; per partition at a time with --at',
    'bss replay offsets',
    'bss replay offsets bss.events --at 2026-01-01T00:00:00Z',
  )
    .option('--at <time>', 'the offset of each partition at this time (needs TOPIC)')
    .action(
      action(async (v: Flags, out, topic?: string) => {
        const api = client(v);
        if (topic && v['at']) {
          const at = await api.call<Json>('GET', `/offsets/${encodeURIComponent(topic)}/at${query({ time: v['at'] })}`);
          for (const p of at.partitions) out(`partition ${p.partition}  offset ${p.offset}${p.atEnd ? ' (end)' : ''}`);
          return at;
        }
        if (v['at']) throw new UsageError('--at needs a TOPIC');
        const all: Json = topic
          ? { topics: [await api.call('GET', `/offsets/${encodeURIComponent(topic)}`)], groups: [] }
          : await api.call('GET', '/offsets');
        for (const t of all.topics) {
          out(`${t.topic}: ${t.count} events`);
          for (const p of t.partitions)
            out(
              `  partition ${p.partition}  ${p.earliest}..${p.latest}  ${iso(p.firstTimestamp)} .. ${iso(p.lastTimestamp)}`,
            );
        }
        for (const g of all.groups) {
          const lag = g.partitions.reduce((sum: number, p: { lag: number }) => sum + p.lag, 0);
          out(`group ${g.group} on ${g.topic}: lag ${lag}`);
        }
        return topic ? all.topics[0] : all;
      }),
    );

  topicOption(
    fromTo(
      leaf(
        replay,
        'count',
        'count the events in a time range (of one customer)',
        'bss replay count',
        'bss replay count --customer cus_123 --from 2026-01-01T00:00:00Z',
      ),
    ),
  )
    .option('--customer <id>', 'only this customer')
    .action(
      action(async (v: Flags, out) => {
        const q = query({ topic: v['topic'], startTime: v['from'], endTime: v['to'], customerId: v['customer'] });
        const result = await client(v).call<Json>('GET', `/count${q}`);
        out(`${result.count} events`);
        return result;
      }),
    );

  topicOption(
    fromTo(
      leaf(
        replay,
        'estimate',
        'how long a replay of a range would take at a speed',
        'bss replay estimate --from 2026-01-01T00:00:00Z --speed REAL_TIME',
      ),
    ),
  )
    .option('--speed <speed>', 'REAL_TIME, FAST (10×), FASTER (100×), ULTRA_FAST, MAX or STEP_BY_STEP')
    .action(
      action(async (v: Flags, out) => {
        const q = query({ topic: v['topic'], startTime: v['from'], endTime: v['to'], speed: v['speed'] });
        const e = await client(v).call<Json>('GET', `/estimate${q}`);
        out(
          `${e.events} events at ${e.speed}: ${e.estimatedMs === null ? 'as long as you step' : `about ${formatDuration(e.estimatedMs)}`}`,
        );
        return e;
      }),
    );
}

function jobCommands(replay: Command): void {
  topicOption(
    fromTo(
      leaf(
        replay,
        'run',
        'start a replay and follow its progress (Ctrl-C cancels it)',
        'bss replay run --from 2026-01-01T00:00:00Z --speed MAX',
        'bss replay run --customer cus_123 --target handlers:cache --detach',
      ),
    ),
  )
    .option('--customer <id>', 'only this customer')
    .option('--speed <speed>', "REAL_TIME, FAST, FASTER, ULTRA_FAST, MAX or STEP_BY_STEP (default: the service's)")
    .option('--target <target>', 'sandbox, handlers:A,B or topic:NAME', 'sandbox')
    .option('--ignore-errors', 'go on after a handler error')
    .option('--no-parallel', 'one partition at a time')
    .option('--detach', 'print the job and return; follow it with `bss replay job ID`')
    .action(
      action(async (v: Flags, out) => {
        const api = client(v);
        const job = await api.call<JobSnapshot>('POST', '/replay', {
          ...(v['topic'] ? { topic: v['topic'] } : {}),
          ...(v['from'] ? { startTime: v['from'] } : {}),
          ...(v['to'] ? { endTime: v['to'] } : {}),
          ...(v['customer'] ? { customerId: v['customer'] } : {}),
          target: target(v['target'] as string),
          options: {
            ...(v['speed'] ? { speed: v['speed'] } : {}),
            ignoreErrors: v['ignoreErrors'] === true,
            parallelProcessing: v['parallel'] !== false,
          },
        });
        if (!v['detach']) return follow(api, job, out);
        out(`job ${job.id} ${job.status}`);
        return job;
      }),
    );

  leaf(replay, 'jobs', 'the replay jobs this instance knows', 'bss replay jobs').action(
    action(async (v: Flags, out) => {
      const jobs = await client(v).call<Json>('GET', '/replay');
      if (jobs.items.length === 0) out('no replay jobs');
      for (const j of jobs.items)
        out(
          `${j.id}  ${j.status}  ${j.progress.processed}/${j.progress.total}${j.failure ? `  failed: ${j.failure}` : ''}`,
        );
      return jobs;
    }),
  );

  leaf(replay, 'job <id>', 'one job: status, progress, and why it failed', 'bss replay job 0b6f…').action(
    action(async (v: Flags, out, id: string) => {
      const job = await client(v).call<JobSnapshot>('GET', `/replay/${encodeURIComponent(id)}`);
      describeJob(job, out);
      return job;
    }),
  );

  leaf(replay, 'cancel <id>', 'cancel a running or stepped job', 'bss replay cancel 0b6f…').action(
    action(async (v: Flags, out, id: string) => {
      const job = await client(v).call<JobSnapshot>('POST', `/replay/${encodeURIComponent(id)}/cancel`);
      out(`${job.id}  ${job.status}`);
      return job;
    }),
  );
}

function reconstructCommand(replay: Command): void {
  topicOption(
    leaf(
      replay,
      'reconstruct',
      'the state of every customer (or one) at a time, folded from the log',
      'bss replay reconstruct --at 2026-01-15T00:00:00Z',
      'bss replay reconstruct --customer cus_123',
    ),
  )
    .option('--at <time>', 'the moment (default: now)')
    .option('--customer <id>', 'only this customer')
    .action(
      action(async (v: Flags, out) => {
        const state = await client(v).call<Json>('POST', '/reconstruct-state', {
          ...(v['topic'] ? { topic: v['topic'] } : {}),
          ...(v['at'] ? { targetTime: v['at'] } : {}),
          ...(v['customer'] ? { customerId: v['customer'] } : {}),
        });
        out(`state at ${state.at === null ? 'now' : iso(state.at)}:`);
        for (const [id, view] of Object.entries<Json>(state.customers)) {
          const count = (r: object) => Object.keys(r).length;
          out(
            `  ${id}  ${view.customer?.status ?? 'none'}  balance ${formatMoney(view.balance.balance, view.balance.currency)}  ` +
              `${count(view.subscriptions)} subscriptions, ${count(view.invoices)} invoices, ${count(view.payments)} payments`,
          );
        }
        return state;
      }),
    );
}

function diffCommand(replay: Command): void {
  topicOption(
    leaf(
      replay,
      'diff',
      'what changed between two times, field by field, and the events that did it',
      'bss replay diff --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z',
    ),
  )
    .requiredOption('--from <time>', 'the earlier moment')
    .requiredOption('--to <time>', 'the later moment')
    .option('--customer <id>', 'only this customer')
    .action(
      action(async (v: Flags, out) => {
        const q = query({ from: v['from'], to: v['to'], customerId: v['customer'], topic: v['topic'] });
        const diff = await client(v).call<Json>('GET', `/diff${q}`);
        for (const c of diff.changes) out(`${c.customerId} ${c.path}: ${brief(c.before)} → ${brief(c.after)}`);
        out(`${diff.changes.length} changes by ${diff.events.length} events`);
        return diff;
      }),
    );
}

function timelineCommand(replay: Command): void {
  topicOption(
    fromTo(
      leaf(
        replay,
        'timeline',
        'the events of a range, a page at a time',
        'bss replay timeline --customer cus_123 --max 20',
        'bss replay timeline --type invoice.issued,payment.captured',
      ),
    ),
  )
    .option('--type <types>', 'only these event types (comma-separated)')
    .option('--source <source>', 'only events from this source')
    .option('--customer <id>', 'only this customer')
    .option('--max <n>', 'events per page')
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .action(
      action(async (v: Flags, out) => {
        const q = query({
          topic: v['topic'],
          startTime: v['from'],
          endTime: v['to'],
          type: v['type'],
          source: v['source'],
          customerId: v['customer'],
          maxEvents: v['max'],
          cursor: v['cursor'],
        });
        const page = await client(v).call<Json>('GET', `/timeline${q}`);
        for (const e of page.events) out(`${iso(e.timestamp)}  ${e.partition}/${e.offset}  ${e.customerId}  ${e.type}`);
        if (page.events.length === 0) out('no events');
        if (page.nextCursor) out(`more: --cursor ${page.nextCursor}`);
        return page;
      }),
    );
}

function groupCommands(replay: Command): void {
  topicOption(
    leaf(
      replay,
      'snapshot',
      "save a consumer group's committed offsets",
      'bss replay snapshot --group bss-mediation --name before-fix',
    ),
  )
    .requiredOption('--group <group>', 'the consumer group')
    .option('--name <name>', 'a name to find it by')
    .action(
      action(async (v: Flags, out) => {
        const snapshot = await client(v).call<Json>('POST', '/snapshot', {
          group: v['group'],
          ...(v['topic'] ? { topic: v['topic'] } : {}),
          ...(v['name'] ? { name: v['name'] } : {}),
        });
        out(`snapshot ${snapshot.id} (${snapshot.name}) of ${snapshot.group} on ${snapshot.topic}`);
        return snapshot;
      }),
    );

  topicOption(leaf(replay, 'snapshots', 'saved offset snapshots', 'bss replay snapshots --group bss-mediation'))
    .option('--group <group>', 'only this group')
    .action(
      action(async (v: Flags, out) => {
        const list = await client(v).call<Json>('GET', `/snapshots${query({ group: v['group'], topic: v['topic'] })}`);
        if (list.items.length === 0) out('no snapshots');
        for (const s of list.items) out(`${s.id}  ${s.createdAt}  ${s.group} on ${s.topic}  ${s.name}`);
        return list;
      }),
    );

  topicOption(
    leaf(
      replay,
      'restore',
      "move a consumer group's offsets to a snapshot, a time or a position",
      'bss replay restore --group bss-mediation --snapshot 3f2a… --dry-run',
      'bss replay restore --group bss-mediation --time 2026-01-01T00:00:00Z',
    ),
  )
    .requiredOption('--group <group>', 'the consumer group')
    .option('--snapshot <id>', 'a saved snapshot')
    .option('--time <time>', 'the offsets at this time')
    .addOption(new Option('--position <position>', 'the log start or end').choices(['earliest', 'latest']))
    .option('--dry-run', 'show the plan, move nothing')
    .action(
      action(async (v: Flags, out) => {
        const points = [
          v['snapshot'] && { snapshotId: v['snapshot'] },
          v['time'] && { time: v['time'] },
          v['position'] && { position: v['position'] },
        ].filter(Boolean);
        if (points.length !== 1) throw new UsageError('restore takes one of --snapshot, --time, --position');
        const plan = await client(v).call<Json>('POST', '/restore', {
          group: v['group'],
          ...(v['topic'] ? { topic: v['topic'] } : {}),
          to: points[0],
          dryRun: v['dryRun'] === true,
        });
        for (const p of plan.partitions) out(`partition ${p.partition}: ${p.before ?? '-'} → ${p.after}`);
        out(`${plan.dryRun ? 'would redeliver' : 'redelivers'} ${plan.redelivered}, skips ${plan.skipped}`);
        return plan;
      }),
    );
}

function rebuildCommand(replay: Command): void {
  leaf(
    replay,
    'rebuild',
    'rebuild the read models from the log in shadow tables, then swap them in',
    'bss replay rebuild',
    'bss replay rebuild --until 2026-01-31T23:59:59Z',
  )
    .option('--until <time>', 'fold the log up to this time only, into the shadow tables (never swapped in)')
    .option('--no-swap', 'leave the result in the shadow tables')
    .action(
      action(async (v: Flags, out) => {
        const api = client(v);
        // The service reports no progress for a rebuild: show what it folds and for how long.
        const { count } = await api.call<Json>('GET', `/count${query({ endTime: v['until'] })}`);
        const ticker = startTicker(`rebuild: folding ${count} events…`);
        let result: Json;
        try {
          result = await withJobResult(
            loadPushgatewayUrl(),
            'bss_rebuild',
            () =>
              api.call<Json>('POST', '/rebuild', {
                ...(v['until'] ? { until: v['until'] } : {}),
                // --until alone already stays in the shadow tables (the API refuses until with swap: true).
                ...(v['swap'] === false ? { swap: false } : {}),
              }),
            (r) => ({
              success: true,
              values: { bss_rebuild_events: { value: Number(r.events), help: 'events the last rebuild folded' } },
            }),
          );
        } finally {
          ticker.stop();
        }
        out(`${result.events} events folded; ${result.swapped ? 'swapped in' : 'left in the shadow tables'}`);
        for (const [kind, rows] of Object.entries(result.rows)) out(`  ${kind}: ${String(rows)} rows`);
        return result;
      }),
    );
}

export function replayCommand(): Command {
  const replay = new Command('replay')
    .description('event replay and time travel against a running service (admin key)')
    .addHelpText('after', '\nTimes are ISO-8601 (2026-01-31T12:00:00Z) or milliseconds since the epoch.');
  examples(
    replay,
    'bss replay offsets',
    'bss replay run --from 2026-01-01T00:00:00Z',
    'bss replay reconstruct --at 2026-01-15T00:00:00Z',
  );
  inspectCommands(replay);
  jobCommands(replay);
  reconstructCommand(replay);
  diffCommand(replay);
  timelineCommand(replay);
  groupCommands(replay);
  rebuildCommand(replay);
  return replay;
}
