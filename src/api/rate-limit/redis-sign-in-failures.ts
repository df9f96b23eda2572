// Failed sign-ins counted in Redis per client address, so a limit holds on every instance; while Redis
// is unreachable each instance counts alone. Only suspects (recent-failures.ts) ask Redis for a count.
import type { RedisClientType } from 'redis';
import {
  createMemorySignInFailures,
  type SignInFailures,
  type SignInLimit,
} from '../../application/auth/sign-in-failures.ts';
import { COMMAND_TIMEOUT_MS, withTimeout } from './redis-script.ts';
import { recentFailures } from './recent-failures.ts';

/** The window's remaining milliseconds when the address has reached the limit, else 0. */
const BLOCKED_FOR = `local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
return ttl`;

const REDIS_NOW = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

/** Counts a failure (INCR + PEXPIRE) and notes the address, by Redis's clock, for the other instances. */
const RECORD = `${REDIS_NOW}
local current = redis.call('INCR', KEYS[1])
if current == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
redis.call('ZADD', KEYS[2], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return current`;

/** Redis's time and the addresses noted since ARGV[1] (at most one window back). */
const RECENT = `${REDIS_NOW}
local since = math.max(tonumber(ARGV[1]), now - tonumber(ARGV[2]))
return {now, redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf')}`;

export const SIGN_IN_REFRESH_MS = 1000;

export interface RedisSignInFailuresOptions {
  /** Created with disableOfflineQueue, so a disconnected client fails at once. */
  readonly client: Pick<RedisClientType, 'eval' | 'isReady'>;
  readonly prefix: string;
  readonly limit: SignInLimit;
  readonly onFallback?: (error: Error) => void;
  readonly refreshMs?: number;
}

export function redisSignInFailures(options: RedisSignInFailuresOptions): SignInFailures {
  const { client, limit, onFallback } = options;
  const local = createMemorySignInFailures(limit);
  const key = (address: string) => `${options.prefix}signin:${address}`;
  const recentKey = `${options.prefix}signin-recent`;
  async function run(script: string, keys: string[], args: string[]): Promise<unknown> {
    if (!client.isReady) throw new Error('redis not connected');
    return withTimeout(client.eval(script, { keys, arguments: args }) as Promise<unknown>, COMMAND_TIMEOUT_MS);
  }
  const fallback =
    <T>(value: () => Promise<T>) =>
    (error: Error) => {
      onFallback?.(error);
      return value();
    };
  const suspects = recentFailures({
    windowMs: limit.windowMs,
    refreshMs: options.refreshMs ?? SIGN_IN_REFRESH_MS,
    fetch: async (sinceMs) => {
      const reply = await run(RECENT, [recentKey], [String(sinceMs), String(limit.windowMs)]);
      const [nowMs, addresses] = reply as [number, string[]];
      return { nowMs, addresses };
    },
    ...(onFallback ? { onError: onFallback } : {}),
  });
  return {
    async blockedFor(address) {
      if (!(await suspects.includes(address))) return 0;
      const reply = run(BLOCKED_FOR, [key(address)], [String(limit.max)]);
      return Number(await reply.catch(fallback(() => local.blockedFor(address))));
    },
    async record(address) {
      suspects.add(address);
      const args = [String(limit.windowMs), address];
      await run(RECORD, [key(address), recentKey], args).catch(fallback(() => local.record(address)));
    },
  };
}
