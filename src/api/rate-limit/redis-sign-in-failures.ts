// Shared across instances; while Redis is unreachable each counts alone: per instance rather than not at all.
import type { RedisClientType } from 'redis';
import {
  createMemorySignInFailures,
  type SignInFailures,
  type SignInLimit,
} from '../../application/auth/sign-in-failures.ts';
import { COMMAND_TIMEOUT_MS, INCR, withTimeout } from './redis-script.ts';

const BLOCKED_FOR = `local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
return ttl`;

export interface RedisSignInFailuresOptions {
  readonly client: Pick<RedisClientType, 'eval' | 'isReady'>;
  readonly prefix: string;
  readonly limit: SignInLimit;
  readonly onFallback?: (error: Error) => void;
}

export function redisSignInFailures(options: RedisSignInFailuresOptions): SignInFailures {
  const { client, limit, onFallback } = options;
  const local = createMemorySignInFailures(limit);
  const key = (address: string) => `${options.prefix}signin:${address}`;
  async function run<T>(script: string, address: string, argument: number, fallback: () => Promise<T>) {
    try {
      if (!client.isReady) throw new Error('redis not connected');
      const reply = client.eval(script, { keys: [key(address)], arguments: [String(argument)] });
      return await withTimeout(reply as Promise<unknown>, COMMAND_TIMEOUT_MS);
    } catch (error) {
      onFallback?.(error as Error);
      return fallback();
    }
  }
  return {
    async blockedFor(address) {
      return Number(await run(BLOCKED_FOR, address, limit.max, () => local.blockedFor(address)));
    },
    async record(address) {
      await run(INCR, address, limit.windowMs, () => local.record(address));
    },
  };
}
