// A @fastify/rate-limit store on node-redis (the plugin's own needs ioredis). While Redis is unreachable
// the count falls back to this process: limits then hold per instance instead of not at all.
import { createRequire } from 'node:module';
import { createClient, type RedisClientType } from 'redis';
import type { SignInFailures, SignInLimit } from '../../application/auth/sign-in-failures.ts';
import { redisSignInFailures } from './redis-sign-in-failures.ts';
import { COMMAND_TIMEOUT_MS, INCR, withTimeout } from './redis-script.ts';
import { leasedCounter } from './leased-counter.ts';

const require = createRequire(import.meta.url);
type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): Store;
}
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => Store;

export interface RedisRateLimitOptions {
  /** Created with disableOfflineQueue, so a disconnected client fails at once. */
  readonly client: Pick<RedisClientType, 'eval' | 'isReady'>;
  readonly prefix: string;
  readonly onFallback?: (error: Error) => void;
}

/** The class the plugin instantiates (`store` option); each route limit gets the same shared counter. */
export function redisRateLimitStore(options: RedisRateLimitOptions): new () => Store {
  const { client, prefix, onFallback } = options;
  const local = new LocalStore(false, false, 10_000);
  const increment = leasedCounter(async (key, tokens, windowMs) => {
    if (!client.isReady) throw new Error('redis not connected');
    const run = client.eval(INCR, { keys: [prefix + key], arguments: [String(windowMs), String(tokens)] });
    const [count, ttl] = (await withTimeout(run as Promise<unknown>, COMMAND_TIMEOUT_MS)) as [number, number];
    return { count, ttl };
  });
  class RedisRateLimitStore implements Store {
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      increment(key, timeWindow, max).then(
        (counted) => callback(null, counted),
        (error: Error) => {
          onFallback?.(error);
          local.incr(key, callback, timeWindow, max);
        },
      );
    }
    child(): Store {
      return this;
    }
  }
  return RedisRateLimitStore;
}

export function connectRateLimitRedis(
  url: string,
  prefix: string,
  onFallback?: (error: Error) => void,
): { store: new () => Store; signInFailures(limit: SignInLimit): SignInFailures; close(): Promise<void> } {
  const client = createClient({
    url,
    socket: { connectTimeout: 1500, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) },
    disableOfflineQueue: true,
  });
  client.on('error', () => {}); // reconnects on its own; requests are counted locally meanwhile
  client.connect().catch(() => {});
  return {
    store: redisRateLimitStore({ client: client as never, prefix, ...(onFallback ? { onFallback } : {}) }),
    signInFailures: (limit) =>
      redisSignInFailures({ client: client as never, prefix, limit, ...(onFallback ? { onFallback } : {}) }),
    close: async () => {
      client.destroy();
    },
  };
}
