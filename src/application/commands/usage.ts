// Chunks keep transactions and their locks short; a batch that fails half-way is safe to resend (duplicates).
import { isDomainRejection, usage } from '../../domain/index.ts';
import type { Money, catalog as catalogTypes, subscription } from '../../domain/index.ts';
import { BssError, type ErrorCode } from '../../errors.ts';
import type { UnitOfWork } from '../read-model/unit-of-work.ts';
import type { CommandBus, Decision } from './command-bus.ts';
import type { Clock } from '../clock.ts';
import { badTexts } from '../storable-text.ts';

export const MAX_USAGE_BATCH = 10_000;
export const USAGE_CHUNK = 1_000;

export type UsageRecordInput = Omit<usage.IngestUsage, 'type' | 'at'>;

export type UsageOutcome = 'RATED' | 'REJECTED' | 'DUPLICATE' | 'INVALID';

export interface UsageResult {
  readonly recordId: string;
  readonly status: UsageOutcome;
  readonly amount?: Money;
  readonly reason?: { readonly code: ErrorCode; readonly message: string; readonly field?: string };
}

export interface UsageBatchResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly invalid: number;
  readonly duplicates: number;
  /** In input order. */
  readonly results: UsageResult[];
}

export interface UsageCommands {
  ingest(records: readonly UsageRecordInput[]): Promise<UsageBatchResult>;
}

const texts = (values: readonly unknown[]): string[] =>
  values.filter((v): v is string => typeof v === 'string' && v !== '');

function unstorable(record: UsageRecordInput): UsageResult | undefined {
  const bad = badTexts(record)[0];
  if (!bad) return undefined;
  const field = bad.pointer.slice(1);
  return {
    recordId: record.recordId,
    status: 'INVALID',
    reason: { code: 'INVALID_TEXT', message: `${field} ${bad.message}`, field },
  };
}

/** `refused`: each record's unstorable text, found once per chunk (a group may decide it again). */
async function decideChunk(
  uow: UnitOfWork,
  records: readonly UsageRecordInput[],
  refused: ReadonlyArray<UsageResult | undefined>,
  plans: catalogTypes.Catalog,
  at: string,
): Promise<Decision<UsageResult[]>> {
  const storable = records.filter((_, i) => refused[i] === undefined);
  const seen = await uow.loadMany<usage.UsageRecord>('usage', texts(storable.map((r) => r.recordId)), 'share');
  const subscriptions = await uow.loadMany<subscription.Subscription>(
    'subscription',
    texts(storable.map((r) => r.subscriptionId)),
    'share',
  );
  // A recordId repeated in the batch is a duplicate.
  const decided = new Map<string, usage.UsageRecord>();
  const events: usage.UsageEvent[] = [];
  const results = records.map((record, i): UsageResult => {
    const { recordId } = record;
    const unfit = refused[i];
    if (unfit) return unfit;
    try {
      const state = decided.get(recordId) ?? seen.get(recordId)?.state ?? null;
      const context = { subscription: subscriptions.get(record.subscriptionId)?.state ?? null, catalog: plans };
      const [event] = usage.decide({ type: 'IngestUsage', ...record, at }, state, context);
      if (event === undefined) return { recordId, status: 'DUPLICATE' };
      events.push(event);
      decided.set(recordId, usage.evolve(null, event) as usage.UsageRecord);
      return event.type === 'usage.rated'
        ? { recordId, status: 'RATED', amount: event.data.amount }
        : { recordId, status: 'REJECTED', reason: event.data.reason };
    } catch (error) {
      if (!isDomainRejection(error)) throw error;
      const field = error.field ? { field: error.field } : {};
      return { recordId, status: 'INVALID', reason: { code: error.code, message: error.message, ...field } };
    }
  });
  return { events, result: results };
}

export function usageCommands(bus: CommandBus, clock: Clock, plans: catalogTypes.Catalog): UsageCommands {
  return {
    async ingest(records) {
      if (records.length > MAX_USAGE_BATCH) {
        throw new BssError(
          'USAGE_BATCH_TOO_LARGE',
          `a usage batch holds at most ${MAX_USAGE_BATCH} records, got ${records.length}; split it`,
          { status: 413, errors: [{ field: '/body/records', message: `at most ${MAX_USAGE_BATCH} records` }] },
        );
      }
      const results: UsageResult[] = [];
      for (let start = 0; start < records.length; start += USAGE_CHUNK) {
        const chunk = records.slice(start, start + USAGE_CHUNK);
        // Declared rows: a group of chunks fetches them in one query per table. Unstorable ids never reach SQL.
        const refused = chunk.map(unstorable);
        const storable = chunk.filter((_, i) => refused[i] === undefined);
        const prefetch = [
          { kind: 'usage', ids: texts(storable.map((r) => r.recordId)), lock: 'share' },
          { kind: 'subscription', ids: texts(storable.map((r) => r.subscriptionId)), lock: 'share' },
        ] as const;
        const committed = await bus.run((uow) => decideChunk(uow, chunk, refused, plans, clock()), {
          prefetch,
          weight: chunk.length,
        });
        results.push(...committed.result);
      }
      const count = (status: UsageOutcome) => results.filter((r) => r.status === status).length;
      return {
        accepted: count('RATED'),
        rejected: count('REJECTED'),
        invalid: count('INVALID'),
        duplicates: count('DUPLICATE'),
        results,
      };
    },
  };
}
