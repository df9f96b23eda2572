// NOTIFY also catches SQL run outside the service; after a lost connection every read-model entry is dropped.
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
  readonly s: string;
  readonly t: string;
  readonly at: number;
  readonly ids?: readonly string[];
  readonly c?: readonly string[];
  /** Too many rows to name: the whole table. */
  readonly all?: boolean;
}

export function notifyInvalidations(payload: NotifyPayload): InvalidationTarget | undefined {
  const family = FAMILY_OF_TABLE[payload.t];
  if (!family) return undefined;
  if (payload.all || !payload.ids) return { tags: [familyTag(family), familyListsTag(family)] };
  return {
    keys: cachedById(family) ? payload.ids.map((id) => entityKey(family, id)) : [],
    tags: [familyListsTag(family), ...(payload.c ?? []).map(customerListsTag)],
  };
}

export interface NotifyListenerOptions {
  readonly db: Db;
  readonly cache: Cache;
  /** NOTIFY channels are database-wide; tests share a database. */
  readonly schema?: string;
  readonly onError?: (error: unknown, payload: string) => void;
}
// Every instance also applies it to Redis (N INCRs): redundant but rare, the service's own writes SET LOCAL it off.

export interface NotifyListener {
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
