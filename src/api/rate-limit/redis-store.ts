// The plugin's own Redis store needs ioredis; while Redis is unreachable limits hold per instance (LocalStore).
import { createRequire } from 'node:module';
import { createClient, type RedisClientType } from 'redis';
import type { SignInFailures, SignInLimit } from '../../application/auth/sign-in-failures.ts';
import { redisSignInFailures } from './redis-sign-in-failures.ts';
import { COMMAND_TIMEOUT_MS, INCR, withTimeout } from './redis-script.ts';

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
  readonly client: Pick<RedisClientType, 'eval' | 'isReady'>;
  readonly prefix: string;
  readonly onFallback?: (error: Error) => void;
}

export function redisRateLimitStore(options: RedisRateLimitOptions): new () => Store {
  const { client, prefix, onFallback } = options;
  const local = new LocalStore(false, false, 10_000);
  class RedisRateLimitStore implements Store {
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const fallback = (error: Error) => {
        onFallback?.(error);
        local.incr(key, callback, timeWindow, max);
      };
      if (!client.isReady) return fallback(new Error('redis not connected'));
      const run = client.eval(INCR, { keys: [prefix + key], arguments: [String(timeWindow)] });
      withTimeout(run as Promise<unknown>, COMMAND_TIMEOUT_MS).then(
        (reply) => {
          const [current, ttl] = reply as [number, number];
          callback(null, { current, ttl });
        },
        (error: Error) => fallback(error),
      );
    }
    child(): Store {
      return this;
    }
  }
  return RedisRateLimitStore;
}

/** Start-up does not wait for Redis. */
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
