// Invalidation from PostgreSQL NOTIFY (migration 021_cache_notify): catches every write to the read
// models, also SQL run outside the service. Each instance listens and applies the invalidation to
// Redis and its own L1. After the listening connection was lost, notifications were missed: every
// read-model entry is dropped (family tags in Redis) and L1 is flushed.
import type { Db } from '../store/db.ts';
import type { Cache, InvalidationTarget } from './cache.ts';
import {
  CACHE_FAMILIES,
  FAMILY_OF_TABLE,
  cachedById,
  customerListsTag,
  entityKey,
  familyListsTag,
  familyTag,
} from './keys.ts';

export const CACHE_NOTIFY_CHANNEL = 'bss_cache';

export interface NotifyPayload {
  /** Schema, table. */
  readonly s: string;
  readonly t: string;
  /** Statement time, ms since epoch. */
  readonly at: number;
  readonly ids?: readonly string[];
  readonly c?: readonly string[];
  /** Too many rows to name: the whole table. */
  readonly all?: boolean;
}

/** Keys and tags of one notification; undefined for tables the cache does not know. */
export function notifyInvalidations(payload: NotifyPayload): InvalidationTarget | undefined {
  const family = FAMILY_OF_TABLE[payload.t];
  if (!family) return undefined;
  if (payload.all || !payload.ids) return { tags: [familyTag(family), familyListsTag(family)] };
  // The customers of the changed rows (before and after the statement) have changed lists.
  return {
    keys: cachedById(family) ? payload.ids.map((id) => entityKey(family, id)) : [],
    tags: [familyListsTag(family), ...(payload.c ?? []).map(customerListsTag)],
  };
}

export interface NotifyListenerOptions {
  readonly db: Db;
  readonly cache: Cache;
  /** Only this schema's notifications (NOTIFY channels are database-wide; tests share a database). */
  readonly schema?: string;
  readonly onError?: (error: unknown, payload: string) => void;
}
// Every instance applies a notification to Redis too: redundant (N instances, N INCRs), but NOTIFY is
// meant for writes made outside the service (its own transactions can SET LOCAL bss.cache_notify =
// off, see migration 021), which are rare.

export interface NotifyListener {
  /** Notifications applied so far. */
  readonly received: number;
  readonly reconnects: number;
  stop(): Promise<void>;
}

export async function startNotifyListener(options: NotifyListenerOptions): Promise<NotifyListener> {
  const { cache, schema } = options;
  let received = 0;
  let reconnects = 0;
  const unlisten = await options.db.listen(
    CACHE_NOTIFY_CHANNEL,
    (raw) => {
      let payload: NotifyPayload;
      try {
        payload = JSON.parse(raw) as NotifyPayload;
      } catch (error) {
        return options.onError?.(error, raw);
      }
      if (schema !== undefined && payload.s !== schema) return;
      const target = notifyInvalidations(payload);
      if (!target) return;
      received += 1;
      void cache.invalidate(target, 'notify', { committedAt: payload.at });
    },
    {
      onReconnect: () => {
        // Whatever changed meanwhile is unknown: drop every read-model entry, in Redis (the family
        // tags every keys.ts entry carries) and in L1.
        const tags = CACHE_FAMILIES.flatMap((family) => [familyTag(family), familyListsTag(family)]);
        void cache.invalidate({ tags }, 'notify').then(() => {
          cache.flushLocal();
          reconnects += 1;
        });
      },
    },
  );
  return {
    get received() {
      return received;
    },
    get reconnects() {
      return reconnects;
    },
    stop: unlisten,
  };
}
