// The customer views at T, folded with the same evolveCustomerView as the live read model. "At T"
// includes the events stamped T.
import type { EventCodec } from '../../events/codec.ts';
import type { EventLog } from '../../log/event-log.ts';
import { partitionFor } from '../../log/partitioner.ts';
import { initialCustomerView, type CustomerView } from '../../domain/index.ts';
import { readPages } from '../shared/records.ts';
import { SeenEvents } from '../shared/seen-events.ts';
import { foldRecordsInto, type PartitionViews, type SnapshotStore } from './snapshots.ts';
import { decodeRecord } from '../shared/filter.ts';
import { optionalMillis, type TimeInput } from '../shared/time.ts';
import { BssError } from '../../errors.ts';

export interface ReconstructDeps {
  readonly log: EventLog;
  readonly codec: EventCodec;
  /** Optional: without it every reconstruction folds from the partition's first record. */
  readonly snapshots?: SnapshotStore;
}

export interface PartitionFold {
  readonly partition: number;
  readonly offset: number;
  /** The snapshot the fold started from, null when it started at the beginning. */
  readonly snapshotOffset: number | null;
  readonly foldedRecords: number;
}

export interface PartitionState extends PartitionFold {
  readonly views: PartitionViews;
  /** The event ids folded (for a fold that continues from here). */
  readonly seen: SeenEvents;
}

/** The partition offset that ends "at T": the first record stamped after T; the end when none is. */
export async function endOffsetAt(log: EventLog, topic: string, partition: number, at: number | undefined) {
  const end = (await log.offsets(topic)).find((b) => b.partition === partition)?.end ?? 0;
  if (at === undefined) return end;
  const offset = await log.offsetForTime(topic, partition, at + 1);
  return offset < 0 ? end : offset;
}

/** Folds one partition up to `endOffset`, starting from the best snapshot. `key` keeps one customer. */
export async function foldPartition(
  deps: ReconstructDeps,
  topic: string,
  partition: number,
  endOffset: number,
  key?: string,
): Promise<PartitionState> {
  const snapshot = await deps.snapshots?.latest(topic, partition, endOffset);
  const views: PartitionViews = new Map();
  if (snapshot) {
    for (const [id, view] of snapshot.views) if (key === undefined || id === key) views.set(id, view);
  }
  const from = snapshot?.offset ?? 0;
  const seen = new SeenEvents(snapshot?.seen);
  let folded = 0;
  for await (const page of readPages(deps.log, topic, { partition, from, to: endOffset }, 1000)) {
    foldRecordsInto(views, (record) => decodeRecord(deps.codec, record, true), page, seen, key);
    folded += page.length;
  }
  return { partition, offset: endOffset, snapshotOffset: snapshot?.offset ?? null, foldedRecords: folded, views, seen };
}

/** Whether a record of `key` lies at or after `from` in the partition. */
async function keyAfter(log: EventLog, topic: string, partition: number, from: number, key: string) {
  const to = (await log.offsets(topic)).find((b) => b.partition === partition)?.end ?? 0;
  for await (const page of readPages(log, topic, { partition, from, to }, 1000)) {
    if (page.some((record) => record.key === key)) return true;
  }
  return false;
}

export interface CustomerAt {
  readonly customerId: string;
  readonly at: number | null;
  readonly view: CustomerView;
  readonly fold: PartitionFold;
}

/** One customer at `at` (default: now). Only the customer's partition is read. */
export async function reconstructCustomer(
  deps: ReconstructDeps,
  request: { topic: string; customerId: string; at?: TimeInput },
): Promise<CustomerAt> {
  const at = optionalMillis(request.at, 'at');
  const partition = partitionFor(request.customerId, await deps.log.partitionCount(request.topic));
  const end = await endOffsetAt(deps.log, request.topic, partition, at);
  const { views, seen: _seen, ...fold } = await foldPartition(deps, request.topic, partition, end, request.customerId);
  // No event by T is an empty view, unless the customer has no event at all: then it is unknown.
  if (
    !views.has(request.customerId) &&
    !(await keyAfter(deps.log, request.topic, partition, end, request.customerId))
  ) {
    throw new BssError('CUSTOMER_NOT_FOUND', `customer ${request.customerId} has no event on ${request.topic}`, {
      status: 404,
    });
  }
  return {
    customerId: request.customerId,
    at: at ?? null,
    view: views.get(request.customerId) ?? initialCustomerView(request.customerId),
    fold,
  };
}

export interface SystemAt {
  readonly at: number | null;
  /** Every customer with at least one event at or before `at`, by id (plain JSON for the API). */
  readonly customers: Readonly<Record<string, CustomerView>>;
  readonly partitions: readonly PartitionFold[];
}

export async function reconstructSystem(
  deps: ReconstructDeps,
  request: { topic: string; at?: TimeInput },
): Promise<SystemAt> {
  const at = optionalMillis(request.at, 'at');
  const count = await deps.log.partitionCount(request.topic);
  const states = await Promise.all(
    Array.from({ length: count }, async (_, partition) =>
      foldPartition(deps, request.topic, partition, await endOffsetAt(deps.log, request.topic, partition, at)),
    ),
  );
  const customers: Record<string, CustomerView> = {};
  for (const { views } of states) for (const [id, view] of views) customers[id] = view;
  return {
    at: at ?? null,
    customers,
    partitions: states.map(({ views: _views, seen: _seen, ...fold }) => fold),
  };
}
