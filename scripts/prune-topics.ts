// Deletes the Kafka topics that tests and benches named with a unique run id (`journey-mxd…-a1b2c3`,
// `bench_wp_mxd…_…`) once that id is older than --older-than. A single broker keeps every partition it
// ever had; it writes a checkpoint line per partition every 5 s, so thousands of leftovers cost the
// whole machine a CPU burst every 5 s (bench/results/TUNING.md, "Seventh session: what made the tail").
//
//   node scripts/prune-topics.ts [--older-than 1h] [--brokers host:port] [--dry-run]
import { parseArgs } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { parseDuration } from '../src/cli/load.ts';

/** A run id as test/support/env.ts and bench/lib/machine.ts make it: base-36 milliseconds, then hex. */
const RUN_ID = /(?:^|[-_.])([0-9a-z]{8})[-_]([0-9a-f]{6,8})(?:[-_.]|$)/;
/** Ids outside this window are words that happen to look like one. */
const EARLIEST = Date.UTC(2024, 0, 1);

/** When the topic's run started, or undefined when its name holds no run id. */
export function runStartedAt(topic: string, now = Date.now()): number | undefined {
  const match = RUN_ID.exec(topic);
  if (!match) return undefined;
  const ms = parseInt(match[1] as string, 36);
  return ms >= EARLIEST && ms <= now + 86_400_000 ? ms : undefined;
}

export function topicsToPrune(topics: readonly string[], olderThanMs: number, now = Date.now()): string[] {
  return topics.filter((topic) => {
    const started = runStartedAt(topic, now);
    return started !== undefined && now - started > olderThanMs;
  });
}

/** Deletes the topics of runs older than `olderThanMs`; returns their names. */
export async function pruneTopics(brokers: string, olderThanMs: number, dryRun = false): Promise<string[]> {
  const admin = new Admin({ clientId: 'bss-prune-topics', bootstrapBrokers: brokers.split(',') });
  try {
    const doomed = topicsToPrune(await admin.listTopics(), olderThanMs);
    // In slices: one request naming thousands of topics can outlast the broker's request timeout.
    if (!dryRun)
      for (let i = 0; i < doomed.length; i += 200) await admin.deleteTopics({ topics: doomed.slice(i, i + 200) });
    return doomed;
  } finally {
    await admin.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      'older-than': { type: 'string', default: '1h' },
      brokers: { type: 'string', default: process.env['BSS_KAFKA_BROKERS'] ?? '127.0.0.1:59092' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const dryRun = values['dry-run'];
  const doomed = await pruneTopics(values.brokers, parseDuration(values['older-than']), dryRun);
  process.stdout.write(
    `prune-topics: ${dryRun ? 'would delete' : 'deleted'} ${doomed.length} topics of runs older than ${values['older-than']}\n`,
  );
}
