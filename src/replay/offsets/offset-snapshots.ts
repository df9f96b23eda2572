// Kafka refuses to move a consuming group: the caller's pauseGroup stops our members first.
import { randomUUID } from 'node:crypto';
import { BssError, notFound } from '../../errors.ts';
import type { EventLog } from '../../log/event-log.ts';
import type { Queryable } from '../../store/db.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { toMillis, type TimeInput } from '../shared/time.ts';

export interface OffsetSnapshot {
  readonly id: string;
  readonly name: string;
  readonly group: string;
  readonly topic: string;
  readonly offsets: ReadonlyArray<{ partition: number; committed: number | null }>;
  readonly createdAt: string;
}

interface SnapshotRow {
  id: string;
  name: string;
  group_id: string;
  topic: string;
  offsets: Array<{ partition: number; committed: number | null }>;
  created_at: Date | string;
}

const fromRow = (r: SnapshotRow): OffsetSnapshot => ({
  id: r.id,
  name: r.name,
  group: r.group_id,
  topic: r.topic,
  offsets: r.offsets,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function saveOffsetSnapshot(
  deps: { db: Queryable; log: EventLog },
  request: { group: string; topic: string; name?: string },
): Promise<OffsetSnapshot> {
  const committed = await deps.log.committed(request.group, request.topic);
  const offsets = [...committed].map(([partition, offset]) => ({ partition, committed: offset }));
  const id = randomUUID();
  const { rows } = await deps.db.query<SnapshotRow>(
    `INSERT INTO replay_offset_snapshots (id, name, group_id, topic, offsets) VALUES ($1, $2, $3, $4, $5::jsonb)
     RETURNING id, name, group_id, topic, offsets, created_at`,
    [
      id,
      request.name ?? `${request.group}@${new Date().toISOString()}`,
      request.group,
      request.topic,
      JSON.stringify(offsets),
    ],
  );
  return fromRow(rows[0] as SnapshotRow);
}

export async function listOffsetSnapshots(
  db: Queryable,
  filter: { group?: string; topic?: string } = {},
): Promise<OffsetSnapshot[]> {
  const { rows } = await db.query<SnapshotRow>(
    `SELECT id, name, group_id, topic, offsets, created_at FROM replay_offset_snapshots
      WHERE ($1::text IS NULL OR group_id = $1) AND ($2::text IS NULL OR topic = $2) ORDER BY created_at, id`,
    [filter.group ?? null, filter.topic ?? null],
  );
  return rows.map(fromRow);
}

export async function getOffsetSnapshot(db: Queryable, id: string): Promise<OffsetSnapshot> {
  const { rows } = await db.query<SnapshotRow>(
    'SELECT id, name, group_id, topic, offsets, created_at FROM replay_offset_snapshots WHERE id = $1',
    [id],
  );
  if (!rows[0]) throw notFound('offset snapshot', id);
  return fromRow(rows[0]);
}

export type RestorePoint =
  { readonly snapshotId: string } | { readonly time: TimeInput } | { readonly position: 'earliest' | 'latest' };

export interface PartitionMove {
  readonly partition: number;
  /** null = nothing committed: the group would start at `from`. */
  readonly before: number | null;
  readonly after: number;
  readonly redelivered: number;
  readonly skipped: number;
}

export interface RestorePlan {
  readonly group: string;
  readonly topic: string;
  readonly dryRun: boolean;
  readonly partitions: readonly PartitionMove[];
  readonly redelivered: number;
  readonly skipped: number;
}

export interface RestoreRequest {
  readonly group: string;
  readonly topic: string;
  readonly to: RestorePoint;
  readonly dryRun?: boolean;
  readonly pauseGroup?: (group: string) => Promise<() => Promise<void>>;
}

async function targetOffsets(
  deps: { db: Queryable; log: EventLog },
  request: RestoreRequest,
): Promise<Map<number, number>> {
  const bounds = await deps.log.offsets(request.topic);
  const clamp = (partition: number, offset: number) => {
    const b = bounds.find((x) => x.partition === partition);
    return b ? Math.min(Math.max(offset, b.start), b.end) : offset;
  };
  const to = request.to;
  if ('position' in to) {
    if (to.position !== 'earliest' && to.position !== 'latest')
      throw badReplayRequest('position is earliest or latest');
    return new Map(bounds.map((b) => [b.partition, to.position === 'earliest' ? b.start : b.end]));
  }
  if ('time' in to) {
    const ms = toMillis(to.time, 'time');
    const entries = await Promise.all(
      bounds.map(async (b) => {
        const offset = await deps.log.offsetForTime(request.topic, b.partition, ms);
        return [b.partition, offset < 0 ? b.end : offset] as const;
      }),
    );
    return new Map(entries);
  }
  const snapshot = await getOffsetSnapshot(deps.db, to.snapshotId);
  if (snapshot.group !== request.group || snapshot.topic !== request.topic)
    // Well-formed, but the snapshot belongs elsewhere: 422, like a domain refusal.
    throw new BssError('SNAPSHOT_MISMATCH', `snapshot ${snapshot.id} is of ${snapshot.group} on ${snapshot.topic}`, {
      status: 422,
    });
  // Nothing committed at snapshot time: restart at the earliest kept offset.
  return new Map(snapshot.offsets.map((o) => [o.partition, clamp(o.partition, o.committed ?? 0)]));
}

/** Members we just stopped take a moment to leave; members still there after that run elsewhere. */
async function untilNoMembers(log: EventLog, group: string, topic: string, waitMs = 15_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let members = await log.members(group, topic); members > 0; members = await log.members(group, topic)) {
    if (Date.now() > deadline)
      throw new BssError(
        'GROUP_ACTIVE',
        `group ${group} has ${members} active member(s) on other instances: stop their consumers of the group, ` +
          'then restore (this instance pauses only its own)',
        { status: 409, retryable: true },
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function restoreGroupOffsets(
  deps: { db: Queryable; log: EventLog },
  request: RestoreRequest,
): Promise<RestorePlan> {
  const dryRun = request.dryRun ?? false;
  const [targets, current, bounds] = await Promise.all([
    targetOffsets(deps, request),
    deps.log.committed(request.group, request.topic),
    deps.log.offsets(request.topic),
  ]);
  const partitions = [...targets].map(([partition, after]) => {
    const before = current.get(partition) ?? null;
    const from = before ?? bounds.find((b) => b.partition === partition)?.start ?? 0;
    return { partition, before, after, redelivered: Math.max(0, from - after), skipped: Math.max(0, after - from) };
  });
  const plan = {
    group: request.group,
    topic: request.topic,
    dryRun,
    partitions,
    redelivered: partitions.reduce((s, p) => s + p.redelivered, 0),
    skipped: partitions.reduce((s, p) => s + p.skipped, 0),
  };
  if (dryRun) return plan;
  const resume = await request.pauseGroup?.(request.group);
  try {
    await untilNoMembers(deps.log, request.group, request.topic);
    await deps.log.commit(
      request.group,
      request.topic,
      partitions.map((p) => ({ partition: p.partition, offset: p.after })),
    );
  } finally {
    await resume?.();
  }
  return plan;
}
