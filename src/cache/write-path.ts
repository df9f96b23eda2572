import { aggregatesOf, type DomainEvent } from '../domain/index.ts';
import type { Cache, InvalidationTarget } from './cache.ts';
import { rowInvalidation, type CacheFamily } from './keys.ts';

/** Structural: the cache sits below application. */
export interface CommittedChange {
  readonly events: readonly DomainEvent[];
  readonly changed: ReadonlyArray<{ readonly kind: string; readonly id: string; readonly state: unknown }>;
}

export interface CommitSource {
  onCommitted(listener: (committed: CommittedChange) => void): void;
}

export function targetBuilder() {
  const keys = new Set<string>();
  const tags = new Set<string>();
  return {
    add(target: InvalidationTarget) {
      for (const k of target.keys ?? []) keys.add(k);
      for (const t of target.tags ?? []) tags.add(t);
    },
    build: (): InvalidationTarget => ({ keys: [...keys], tags: [...tags] }),
  };
}

export function eventInvalidations(event: DomainEvent): InvalidationTarget {
  const target = targetBuilder();
  const customerId = event.data.customerId;
  for (const ref of aggregatesOf(event)) target.add(rowInvalidation(ref.type, ref.id, customerId));
  target.add(rowInvalidation('balance', customerId, customerId));
  return target.build();
}

export function invalidationsFor(committed: CommittedChange): InvalidationTarget {
  return invalidationsForGroup([committed]);
}

/** One invalidation, one Redis round trip per group. */
export function invalidationsForGroup(group: readonly CommittedChange[]): InvalidationTarget {
  const target = targetBuilder();
  for (const committed of group) {
    for (const event of committed.events) target.add(eventInvalidations(event));
    for (const row of committed.changed) {
      const customerId = (row.state as { customerId?: unknown } | null)?.customerId;
      target.add(
        rowInvalidation(row.kind as CacheFamily, row.id, typeof customerId === 'string' ? customerId : undefined),
      );
    }
  }
  return target.build();
}

export function attachWritePathInvalidation(bus: CommitSource, cache: Cache): void {
  bus.onCommitted((committed) => {
    const target = invalidationsFor(committed);
    void cache.invalidate(target, 'write', { committedAt: Date.now() });
  });
}
