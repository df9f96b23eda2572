// One group per instance so every L1 hears every change, including other instances' and replays'.
// Idempotent (invalidating twice costs a miss), hence replay-safe.
import type { DomainEvent } from '../domain/index.ts';
import { isDomainEventType } from '../domain/index.ts';
import type { EventHandler } from '../log/consumer-runner.ts';
import type { Cache } from './cache.ts';
import { eventInvalidations, targetBuilder } from './write-path.ts';

export interface CacheInvalidationHandlerOptions {
  readonly name?: string;
  /** Only L1: the committer already did Redis (a crash in between leaves L2 stale until TTL). */
  readonly localOnly?: boolean;
}

export function createCacheInvalidationHandler(
  cache: Cache,
  options: CacheInvalidationHandlerOptions = {},
): EventHandler {
  return {
    name: options.name ?? 'cache-invalidation',
    replaySafe: true,
    async handle(events) {
      const target = targetBuilder();
      let oldest = Infinity;
      for (const { domainEvent, record } of events) {
        if (!isDomainEventType(domainEvent.type)) continue;
        target.add(eventInvalidations(domainEvent as DomainEvent));
        oldest = Math.min(oldest, record.timestamp);
      }
      if (oldest === Infinity) return;
      // The log append time stands for the commit: with the outbox it is a little later, never earlier.
      await cache.invalidate(target.build(), 'event', {
        committedAt: oldest,
        ...(options.localOnly ? { localOnly: true } : {}),
      });
    },
  };
}
