// Invalidation from the event log: a consumer-runner handler, one group per instance, so every
// instance (and Redis) hears of every change, including those committed by other instances or by
// replays. Idempotent (invalidating twice costs a miss), hence replay-safe.
import type { DomainEvent } from '../domain/index.ts';
import { isDomainEventType } from '../domain/index.ts';
import type { EventHandler } from '../log/consumer-runner.ts';
import type { Cache } from './cache.ts';
import { eventInvalidations, targetBuilder } from './write-path.ts';

export function createCacheInvalidationHandler(cache: Cache, name = 'cache-invalidation'): EventHandler {
  return {
    name,
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
      await cache.invalidate(target.build(), 'event', { committedAt: oldest });
    },
  };
}
