// Every N records of a partition, the folded views of its customers, so a reconstruction folds at most
// ~N records. The snapshotter needs no consumer group: its progress is its latest snapshot.
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import type { EventCodec } from '../../events/codec.ts';
import type { EventLog, LogRecord } from '../../log/event-log.ts';
import type { RecentAppends } from '../../log/recent-appends.ts';
import type { Queryable } from '../../store/db.ts';
import { evolveCustomerView, initialCustomerView, type CustomerView, type DomainEvent } from '../../domain/index.ts';
import { decodeRecord, type Decoded } from '../shared/filter.ts';
import { sleep } from '../shared/speed.ts';
import { SeenEvents } from '../shared/seen-events.ts';

/** Large: a Kafka fetch decodes whole record batches, so small pages decode the same batch again. */
const PAGE = 5_000;

/** Event ids a snapshot keeps, so a fold resuming from it still skips republished copies (a relay round). */
const SNAPSHOT_SEEN_IDS = 20_000;

// On libuv's pool, not the event loop: a snapshot is ~1 MB of JSON, every 10,000 records of a partition.
const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

export type PartitionViews = Map<string, CustomerView>;

export interface StateSnapshot {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly ts: number;
  readonly views: PartitionViews;
  /** The newest event ids folded in: a fold resuming here skips their republished copies. */
  readonly seen?: readonly string[];
}

export interface SnapshotInfo {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly ts: number;
  readonly customers: number;
  readonly bytes: number;
}

export interface SnapshotStore {
  save(snapshot: StateSnapshot): Promise<void>;
  latest(topic: string, partition: number, maxOffset?: number): Promise<StateSnapshot | undefined>;
  list(topic: string): Promise<SnapshotInfo[]>;
  prune(topic: string, keep: number): Promise<number>;
}

interface SavedState {
  readonly format: 2;
  readonly views: Record<string, CustomerView>;
  readonly seen?: string[];
}

export function createSnapshotStore(db: Queryable): SnapshotStore {
  return {
    async save({ topic, partition, offset, ts, views, seen = [] }) {
      const state = await gzip(JSON.stringify({ format: 2, views: Object.fromEntries(views), seen }));
      await db.query(
        `INSERT INTO replay_state_snapshots (topic, partition, "offset", ts, customers, state)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (topic, partition, "offset") DO NOTHING`,
        [topic, partition, offset, ts, views.size, state],
      );
    },
    async latest(topic, partition, maxOffset = Number.MAX_SAFE_INTEGER) {
      const { rows } = await db.query<{ offset: string | number; ts: string | number; state: Uint8Array }>(
        `SELECT "offset", ts, state FROM replay_state_snapshots
          WHERE topic = $1 AND partition = $2 AND "offset" <= $3 ORDER BY "offset" DESC LIMIT 1`,
        [topic, partition, maxOffset],
      );
      const row = rows[0];
      if (!row) return undefined;
      const parsed = JSON.parse((await gunzip(row.state)).toString('utf8')) as
        SavedState | Record<string, CustomerView>;
      // Format 1 holds the views object alone.
      const saved: Omit<SavedState, 'format'> =
        parsed['format'] === 2 ? (parsed as SavedState) : { views: parsed as Record<string, CustomerView> };
      return {
        topic,
        partition,
        offset: Number(row.offset),
        ts: Number(row.ts),
        views: new Map(Object.entries(saved.views)),
        seen: saved.seen ?? [],
      };
    },
    async list(topic) {
      const { rows } = await db.query<{
        partition: number;
        offset: string | number;
        ts: string | number;
        customers: number;
        bytes: string | number;
      }>(
        `SELECT partition, "offset", ts, customers, octet_length(state) AS bytes FROM replay_state_snapshots
          WHERE topic = $1 ORDER BY partition, "offset"`,
        [topic],
      );
      return rows.map((r) => ({
        topic,
        partition: r.partition,
        offset: Number(r.offset),
        ts: Number(r.ts),
        customers: r.customers,
        bytes: Number(r.bytes),
      }));
    },
    async prune(topic, keep) {
      const { rowCount } = await db.query(
        `DELETE FROM replay_state_snapshots s USING (
           SELECT partition, "offset", row_number() OVER (PARTITION BY partition ORDER BY "offset" DESC) AS n
             FROM replay_state_snapshots WHERE topic = $1) old
          WHERE s.topic = $1 AND s.partition = old.partition AND s."offset" = old."offset" AND old.n > $2`,
        [topic, keep],
      );
      return rowCount;
    },
  };
}

/** Undecodable records are skipped (the live consumers dead-letter them), and so are republished ids. */
export function foldRecordsInto(
  views: PartitionViews,
  decode: (record: LogRecord) => Decoded,
  records: Iterable<LogRecord>,
  seen: SeenEvents,
  onlyKey?: string,
): void {
  for (const record of records) {
    if (onlyKey !== undefined && record.key !== onlyKey) continue;
    const decoded = decode(record);
    if (!decoded.ok || !seen.firstSighting(decoded.event.id)) continue;
    const event = decoded.domainEvent as DomainEvent;
    const id = event.data.customerId;
    views.set(id, evolveCustomerView(views.get(id) ?? initialCustomerView(id), event));
  }
}

export interface SnapshotterOptions {
  readonly log: EventLog;
  readonly codec: EventCodec;
  readonly store: SnapshotStore;
  readonly topic: string;
  readonly every?: number;
  readonly pollMs?: number;
  readonly keep?: number;
  readonly onError?: (error: unknown) => void;
  /** Parsed without validating again: records this process encoded (and validated) itself. */
  readonly trusted?: (record: LogRecord) => boolean;
  /** The records this process appended: folded from memory instead of fetched back from the log. */
  readonly recent?: RecentAppends;
}

export interface Snapshotter {
  catchUp(): Promise<number>;
  stop(): Promise<void>;
}

/** Each partition resumes from its latest snapshot, so restarting loses nothing and repeats little. */
export function createSnapshotter(options: SnapshotterOptions): Snapshotter & { start(): Snapshotter } {
  const every = options.every ?? 10_000;
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshot interval must be ≥ 1, got ${every}`);
  const { log, codec, store, topic } = options;
  const trusted = options.trusted ?? (() => false);
  const decode = (record: LogRecord) => decodeRecord(codec, record, !trusted(record));
  const positions = new Map<number, { offset: number; ts: number; views: PartitionViews; seen: SeenEvents }>();
  const abort = new AbortController();
  const recent = options.recent?.watch(topic);
  let running: Promise<void> | undefined;
  let busy: Promise<number> | undefined;

  async function partitionCatchUp(partition: number, end: number): Promise<number> {
    let position = positions.get(partition);
    if (!position) {
      const latest = await store.latest(topic, partition);
      position = latest
        ? { offset: latest.offset, ts: latest.ts, views: latest.views, seen: new SeenEvents(latest.seen) }
        : { offset: 0, ts: 0, views: new Map(), seen: new SeenEvents() };
      positions.set(partition, position);
    }
    let saved = 0;
    while (position.offset < end && !abort.signal.aborted) {
      const nextSnapshot = (Math.floor(position.offset / every) + 1) * every;
      const stop = Math.min(end, nextSnapshot);
      const max = Math.min(stop - position.offset, PAGE);
      const kept = recent?.take(partition, position.offset, max, stop) ?? [];
      const page = kept.length > 0 ? kept : await log.read(topic, partition, position.offset, { max, endOffset: stop });
      const last = page.at(-1);
      if (!last) break;
      foldRecordsInto(position.views, decode, page, position.seen);
      position.offset = last.offset + 1;
      position.ts = last.timestamp;
      // On the N-boundaries of the offset, so every instance of a snapshotter picks the same points.
      if (position.offset % every === 0) {
        const { offset, ts, views } = position;
        await store.save({ topic, partition, offset, ts, views, seen: position.seen.newest(SNAPSHOT_SEEN_IDS) });
        if (options.keep !== undefined) await store.prune(topic, options.keep);
        saved += 1;
      }
    }
    return saved;
  }

  async function catchUp(): Promise<number> {
    const bounds = await log.offsets(topic);
    let saved = 0;
    for (const { partition, end } of bounds) saved += await partitionCatchUp(partition, end);
    return saved;
  }

  const self = {
    catchUp() {
      // One catch-up at a time: the loop and an explicit call share the in-memory positions.
      const next = (busy ?? Promise.resolve(0)).catch(() => 0).then(catchUp);
      busy = next;
      return next;
    },
    start() {
      running ??= (async () => {
        while (!abort.signal.aborted) {
          try {
            await self.catchUp();
          } catch (error) {
            options.onError?.(error);
          }
          await sleep(options.pollMs ?? 1000, abort.signal).catch(() => undefined);
        }
      })();
      return self;
    },
    async stop() {
      recent?.close();
      abort.abort();
      await running;
      await busy?.catch(() => undefined);
    },
  };
  return self;
}
