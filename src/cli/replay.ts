// `bss replay …`: the /api/v1/event-replay calls from a terminal, against a running service over HTTP
// (--url / BSS_URL, --api-key / BSS_API_KEY with the admin role), so it works with every deployment
// mode. Human-readable output by default, the API's JSON with --json.
import { parseArgs } from 'node:util';
import { loadClientConfig } from '../config.ts';
import { createReplayClient, progressReporter, type JobSnapshot, type ReplayClient } from './replay-client.ts';

export const REPLAY_USAGE = `  replay offsets [TOPIC] [--at TIME]
                                topic offsets (all topics and groups without TOPIC; per partition at TIME)
  replay count [--from T] [--to T] [--customer ID] [--topic T]
  replay estimate [--from T] [--to T] [--speed S] [--topic T]
  replay run [--from T] [--to T] [--customer ID] [--speed S] [--target sandbox|handlers:A,B|topic:NAME]
             [--ignore-errors] [--no-parallel] [--detach]
                                start a replay and follow it (progress on stderr); --detach prints the job
  replay jobs | job ID | cancel ID
  replay reconstruct [--at T] [--customer ID] [--topic T]
  replay diff --from T --to T [--customer ID]
  replay timeline [--from T] [--to T] [--type A,B] [--source S] [--customer ID] [--max N] [--cursor C]
  replay snapshot --group G [--name N] [--topic T]    |  replay snapshots [--group G]
  replay restore --group G (--snapshot ID | --time T | --position earliest|latest) [--dry-run]
  replay rebuild [--until T (shadow tables only)] [--no-swap]
                                options: --url (BSS_URL, default http://127.0.0.1:8080), --api-key
                                (BSS_API_KEY, an admin key), --json; times are ISO-8601 or ms
`;

export class ReplayUsageError extends Error {}

const OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean' },
  topic: { type: 'string' },
  at: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  until: { type: 'string' },
  customer: { type: 'string' },
  speed: { type: 'string' },
  target: { type: 'string' },
  'ignore-errors': { type: 'boolean' },
  'no-parallel': { type: 'boolean' },
  detach: { type: 'boolean' },
  type: { type: 'string' },
  source: { type: 'string' },
  max: { type: 'string' },
  cursor: { type: 'string' },
  group: { type: 'string' },
  name: { type: 'string' },
  snapshot: { type: 'string' },
  time: { type: 'string' },
  position: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-swap': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse>['values'];
const parse = (args: string[]) => parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });

const query = (params: Record<string, string | undefined>) => {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};
const need = (value: string | undefined, flag: string): string => {
  if (value === undefined) throw new ReplayUsageError(`--${flag} is required`);
  return value;
};
/** A changed value on one line: a whole new record shows as {…} (--json has it all). */
const brief = (value: unknown) =>
  value === undefined ? '(none)' : typeof value === 'object' && value !== null ? '{…}' : JSON.stringify(value);
const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

function target(spec: string | undefined): unknown {
  if (spec === undefined || spec === 'sandbox') return { kind: 'sandbox' };
  const [kind, rest] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  if (kind === 'handlers' && rest) return { kind, names: rest.split(',') };
  if (kind === 'topic' && rest) return { kind, topic: rest };
  throw new ReplayUsageError('--target is sandbox, handlers:NAME[,NAME] or topic:NAME');
}

type Out = (line: string) => void;
type Command = (client: ReplayClient, v: Values, rest: string[], out: Out) => Promise<unknown>;

/** Each command returns the API's JSON; `out` prints the human form (skipped with --json). */
const COMMANDS: Record<string, Command> = {
  async offsets(client, v, [topic], out) {
    if (topic && v.at) {
      const at = await client.call<Json>('GET', `/offsets/${encodeURIComponent(topic)}/at${query({ time: v.at })}`);
      for (const p of at.partitions) out(`partition ${p.partition}  offset ${p.offset}${p.atEnd ? ' (end)' : ''}`);
      return at;
    }
    const all: Json = topic
      ? { topics: [await client.call('GET', `/offsets/${encodeURIComponent(topic)}`)], groups: [] }
      : await client.call('GET', '/offsets');
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
  },
  async count(client, v, _rest, out) {
    const result = await client.call<Json>(
      'GET',
      `/count${query({ topic: v.topic, startTime: v.from, endTime: v.to, customerId: v.customer })}`,
    );
    out(`${result.count} events`);
    return result;
  },
  async estimate(client, v, _rest, out) {
    const e = await client.call<Json>(
      'GET',
      `/estimate${query({ topic: v.topic, startTime: v.from, endTime: v.to, speed: v.speed })}`,
    );
    out(
      `${e.events} events at ${e.speed}: ${e.estimatedMs === null ? 'as long as you step' : `about ${Math.ceil(e.estimatedMs / 1000)} s`}`,
    );
    return e;
  },
  async run(client, v, _rest, out) {
    const job = await client.call<JobSnapshot>('POST', '/replay', {
      ...(v.topic ? { topic: v.topic } : {}),
      ...(v.from ? { startTime: v.from } : {}),
      ...(v.to ? { endTime: v.to } : {}),
      ...(v.customer ? { customerId: v.customer } : {}),
      target: target(v.target),
      options: {
        ...(v.speed ? { speed: v.speed } : {}),
        ignoreErrors: v['ignore-errors'] ?? false,
        parallelProcessing: !v['no-parallel'],
      },
    });
    if (v.detach) {
      out(`job ${job.id} ${job.status}`);
      return job;
    }
    const progress = progressReporter();
    const final = await client.follow(job.id, (update) => progress.update(update));
    out(
      `job ${final.id} ${final.status}: ${final.delivered} delivered, ${final.errorCount} errors, ${final.throughput} ev/s`,
    );
    if (final.failure) out(`failure: ${final.failure}`);
    if (final.status !== 'COMPLETED') process.exitCode = 1;
    return final;
  },
  async jobs(client, _v, _rest, out) {
    const jobs = await client.call<Json>('GET', '/replay');
    for (const j of jobs.items) out(`${j.id}  ${j.status}  ${j.progress.processed}/${j.progress.total}`);
    return jobs;
  },
  async job(client, _v, [id], out) {
    const job = await client.call<JobSnapshot>('GET', `/replay/${encodeURIComponent(need(id, 'job id (argument)'))}`);
    out(`${job.id}  ${job.status}  ${job.progress.processed}/${job.progress.total}`);
    return job;
  },
  async cancel(client, _v, [id], out) {
    const job = await client.call<JobSnapshot>(
      'POST',
      `/replay/${encodeURIComponent(need(id, 'job id (argument)'))}/cancel`,
    );
    out(`${job.id}  ${job.status}`);
    return job;
  },
  async reconstruct(client, v, _rest, out) {
    const state = await client.call<Json>('POST', '/reconstruct-state', {
      ...(v.topic ? { topic: v.topic } : {}),
      ...(v.at ? { targetTime: v.at } : {}),
      ...(v.customer ? { customerId: v.customer } : {}),
    });
    out(`state at ${state.at === null ? 'now' : iso(state.at)}:`);
    for (const [id, view] of Object.entries<Json>(state.customers)) {
      const count = (r: object) => Object.keys(r).length;
      out(
        `  ${id}  ${view.customer?.status ?? 'none'}  balance ${view.balance.balance} ${view.balance.currency ?? ''}  ` +
          `${count(view.subscriptions)} subscriptions, ${count(view.invoices)} invoices, ${count(view.payments)} payments`,
      );
    }
    return state;
  },
  async diff(client, v, _rest, out) {
    const diff = await client.call<Json>(
      'GET',
      `/diff${query({ from: need(v.from, 'from'), to: need(v.to, 'to'), customerId: v.customer, topic: v.topic })}`,
    );
    for (const c of diff.changes) out(`${c.customerId} ${c.path}: ${brief(c.before)} → ${brief(c.after)}`);
    out(`${diff.changes.length} changes by ${diff.events.length} events`);
    return diff;
  },
  async timeline(client, v, _rest, out) {
    const page = await client.call<Json>(
      'GET',
      `/timeline${query({ topic: v.topic, startTime: v.from, endTime: v.to, type: v.type, source: v.source, customerId: v.customer, maxEvents: v.max, cursor: v.cursor })}`,
    );
    for (const e of page.events) out(`${iso(e.timestamp)}  ${e.partition}/${e.offset}  ${e.customerId}  ${e.type}`);
    if (page.nextCursor) out(`more: --cursor ${page.nextCursor}`);
    return page;
  },
  async snapshot(client, v, _rest, out) {
    const snapshot = await client.call<Json>('POST', '/snapshot', {
      group: need(v.group, 'group'),
      ...(v.topic ? { topic: v.topic } : {}),
      ...(v.name ? { name: v.name } : {}),
    });
    out(`snapshot ${snapshot.id} (${snapshot.name}) of ${snapshot.group} on ${snapshot.topic}`);
    return snapshot;
  },
  async snapshots(client, v, _rest, out) {
    const list = await client.call<Json>('GET', `/snapshots${query({ group: v.group, topic: v.topic })}`);
    for (const s of list.items) out(`${s.id}  ${s.createdAt}  ${s.group} on ${s.topic}  ${s.name}`);
    return list;
  },
  async restore(client, v, _rest, out) {
    const points = [
      v.snapshot && { snapshotId: v.snapshot },
      v.time && { time: v.time },
      v.position && { position: v.position },
    ].filter(Boolean);
    if (points.length !== 1) throw new ReplayUsageError('restore takes one of --snapshot, --time, --position');
    const plan = await client.call<Json>('POST', '/restore', {
      group: need(v.group, 'group'),
      ...(v.topic ? { topic: v.topic } : {}),
      to: points[0],
      dryRun: v['dry-run'] ?? false,
    });
    for (const p of plan.partitions) out(`partition ${p.partition}: ${p.before ?? '-'} → ${p.after}`);
    out(`${plan.dryRun ? 'would redeliver' : 'redelivers'} ${plan.redelivered}, skips ${plan.skipped}`);
    return plan;
  },
  async rebuild(client, v, _rest, out) {
    const result = await client.call<Json>('POST', '/rebuild', {
      ...(v.until ? { until: v.until } : {}),
      // --until alone already stays in the shadow tables (the API refuses until with swap: true).
      ...(v['no-swap'] ? { swap: false } : {}),
    });
    out(`${result.events} events folded; ${result.swapped ? 'swapped in' : 'left in the shadow tables'}`);
    for (const [kind, rows] of Object.entries(result.rows)) out(`  ${kind}: ${String(rows)} rows`);
    return result;
  },
};
COMMANDS['replay'] = COMMANDS['run'] as Command;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any; // the API's JSON, printed field by field

export async function replayCommand(args: string[], stdout: Out = (line) => void process.stdout.write(`${line}\n`)) {
  const [name, ...rest] = args;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) throw new ReplayUsageError(`unknown replay subcommand ${name ?? '(none)'}`);
  let parsed;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new ReplayUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const env = loadClientConfig();
  const client = createReplayClient({ url: values.url ?? env.url, apiKey: values['api-key'] ?? env.apiKey });
  const result = await command(client, values, positionals, values.json ? () => undefined : stdout);
  if (values.json) stdout(JSON.stringify(result, null, 2));
}
