// One reconstruction at `from`, then a forward fold to `to` that notes each event whose fold changed a
// view (an event can leave a view as it was, e.g. a repeated usage record).
import { partitionFor } from '../../log/partitioner.ts';
import { evolveCustomerView, initialCustomerView, type CustomerView, type DomainEvent } from '../../domain/index.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { decodeRecord } from '../shared/filter.ts';
import { readPages } from '../shared/records.ts';
import { endOffsetAt, foldPartition, type ReconstructDeps } from './reconstruct.ts';
import { toMillis, type TimeInput } from '../shared/time.ts';

export interface FieldChange {
  readonly customerId: string;
  /** Dotted path into the CustomerView, e.g. 'balance.balance' or 'invoices.inv-1.status'. */
  readonly path: string;
  /** undefined = the field did not exist. */
  readonly before: unknown;
  readonly after: unknown;
}

export interface ChangingEvent {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly customerId: string;
  readonly type: string;
  readonly id: string;
  readonly data: unknown;
}

export interface StateDiff {
  readonly from: number;
  readonly to: number;
  readonly before: Readonly<Record<string, CustomerView>>;
  readonly after: Readonly<Record<string, CustomerView>>;
  readonly changes: readonly FieldChange[];
  readonly events: readonly ChangingEvent[];
}

/** Leaf-level differences between two JSON values (arrays compare by index). */
export function diffValues(
  before: unknown,
  after: unknown,
  path = '',
): Array<{ path: string; before: unknown; after: unknown }> {
  if (Object.is(before, after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(before) || !isObject(after) || Array.isArray(before) !== Array.isArray(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((k) => diffValues(before[k], after[k], path === '' ? k : `${path}.${k}`));
}

const withoutAsOf = (view: CustomerView) => JSON.stringify({ ...view, asOf: null });

export async function diffStates(
  deps: ReconstructDeps,
  request: { topic: string; from: TimeInput; to: TimeInput; customerId?: string },
): Promise<StateDiff> {
  const from = toMillis(request.from, 'from');
  const to = toMillis(request.to, 'to');
  if (to < from) throw badReplayRequest('"to" is before "from"');
  const { log, codec } = deps;
  const count = await log.partitionCount(request.topic);
  const key = request.customerId;
  const partitions = key === undefined ? Array.from({ length: count }, (_, p) => p) : [partitionFor(key, count)];
  const before = new Map<string, CustomerView>();
  const after = new Map<string, CustomerView>();
  const events: ChangingEvent[] = [];

  for (const partition of partitions) {
    const start = await endOffsetAt(log, request.topic, partition, from);
    const end = await endOffsetAt(log, request.topic, partition, to);
    const { views, seen } = await foldPartition(deps, request.topic, partition, start, key);
    for (const [id, view] of views) before.set(id, view);
    for await (const page of readPages(log, request.topic, { partition, from: start, to: end }, 1000)) {
      for (const record of page) {
        if (key !== undefined && record.key !== key) continue;
        const decoded = decodeRecord(codec, record, true);
        if (!decoded.ok || !seen.firstSighting(decoded.event.id)) continue; // republished: folded already
        const event = decoded.domainEvent as DomainEvent;
        const id = event.data.customerId;
        const previous = views.get(id) ?? initialCustomerView(id);
        const next = evolveCustomerView(previous, event);
        views.set(id, next);
        if (withoutAsOf(previous) !== withoutAsOf(next)) {
          events.push({
            partition,
            offset: record.offset,
            timestamp: record.timestamp,
            customerId: id,
            type: decoded.event.type,
            id: decoded.event.id,
            data: event.data,
          });
        }
      }
    }
    for (const [id, view] of views) after.set(id, view);
  }

  const changes: FieldChange[] = [];
  for (const [id, view] of after) {
    for (const change of diffValues(before.get(id), view)) changes.push({ customerId: id, ...change });
  }
  events.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
  return { from, to, before: Object.fromEntries(before), after: Object.fromEntries(after), changes, events };
}
