// L2 in Redis under prefix P: e:<key> entry (value, Δ, expiry, tags, generations at load); kg:<key> and
// tag:<name> generations (INCR invalidates); epoch (bumped to drop all after lost invalidations); lease:<key>.
// An entry is valid while the generations read now equal its stored ones; generations outlive entries
// (genTtlMs), so a forgotten one turns an entry into a miss, never revives it.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';

export interface L2Entry {
  readonly v: unknown;
  /** Δ, ms. */
  readonly d: number;
  /** Logical expiry, ms since epoch. */
  readonly e: number;
  readonly t: readonly string[];
  readonly g: ReadonlyArray<string | null>;
}

export interface L2Read {
  readonly entry: L2Entry | undefined;
  /** [epoch, key, ...tags], stored with the entry a load will write. */
  readonly gens: ReadonlyArray<string | null>;
}

export interface RedisL2Options {
  readonly url: string;
  readonly prefix: string;
  /** Slower counts as failed: the cache serves from L1 / the loader. */
  readonly commandTimeoutMs?: number;
  readonly genTtlMs?: number;
}

export interface RedisL2 {
  readonly isReady: boolean;
  read(key: string, tags: readonly string[]): Promise<L2Read>;
  write(key: string, entry: L2Entry, ttlMs: number): Promise<void>;
  acquireLease(key: string, ms: number): Promise<boolean>;
  releaseLease(key: string): Promise<void>;
  invalidate(keys: readonly string[], tags: readonly string[]): Promise<void>;
  bumpEpoch(): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  getString(name: string): Promise<string | null>;
  setString(name: string, value: string, ttlMs: number): Promise<void>;
  /** A second connection for pub/sub; onReady fires on every (re)connect of that connection. */
  subscribe(channel: string, onMessage: (message: string) => void, onReady: (first: boolean) => void): Promise<void>;
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

// KEYS: entry and key-generation names of ARGV[1] keys (pairs), then tag-generation names; ARGV[2]: TTL.
const INVALIDATE_SCRIPT = `local n, ttl = tonumber(ARGV[1]), ARGV[2]
for i = 1, n do
  redis.call('DEL', KEYS[2 * i - 1])
  redis.call('INCR', KEYS[2 * i])
  redis.call('PEXPIRE', KEYS[2 * i], ttl)
end
for i = 2 * n + 1, #KEYS do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return 0`;
const RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** Past this many commands waiting for Redis, a command fails at once (the cache then asks the loader). */
const COMMANDS_QUEUE_MAX = 10_000;

function timeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis command timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export function createRedisL2(options: RedisL2Options): RedisL2 {
  const commandTimeoutMs = options.commandTimeoutMs ?? 500;
  const at: Place = { prefix: options.prefix, genTtlMs: options.genTtlMs ?? 24 * 3600_000 };
  const connection = connect(options.url);
  const { client, subscriber } = connection;
  const run: Run = (fn) => {
    if (!client.isReady) throw new Error('redis not connected');
    return timeout(fn(), commandTimeoutMs);
  };
  return {
    get isReady() {
      return client.isReady;
    },
    ...entryCommands(client, run, at),
    ...leaseCommands(client, run, at),
    ...channelCommands(connection, run, at),
    async close() {
      for (const c of [subscriber, client]) {
        if (c.isReady) await c.close().catch(() => c.destroy());
        else if (c.isOpen) c.destroy();
      }
    },
  };
}

type Connection = ReturnType<typeof connect>;
type Client = Connection['client'];
type Run = <T>(fn: () => Promise<T>) => Promise<T>;
interface Place {
  readonly prefix: string;
  readonly genTtlMs: number;
}

function entryCommands(
  client: Client,
  run: Run,
  { prefix: p, genTtlMs }: Place,
): Pick<RedisL2, 'read' | 'write' | 'invalidate' | 'bumpEpoch'> {
  const genKeys = (key: string, tags: readonly string[]) => [
    `${p}epoch`,
    `${p}kg:${key}`,
    ...tags.map((t) => `${p}tag:${t}`),
  ];
  return {
    async read(key, tags) {
      const replies = await run(() => client.mGet([`${p}e:${key}`, ...genKeys(key, tags)]));
      const [raw, ...gens] = replies;
      return { entry: raw ? (JSON.parse(raw) as L2Entry) : undefined, gens };
    },
    async write(key, entry, ttlMs) {
      await run(() =>
        client.set(`${p}e:${key}`, JSON.stringify(entry), {
          // Never longer than the generations it is checked against (see the header).
          expiration: { type: 'PX', value: Math.max(1, Math.min(Math.ceil(ttlMs), genTtlMs)) },
        }),
      );
    },
    async invalidate(keys, tags) {
      // One atomic script: entries go (memory), generations move (correctness, also for loads in flight).
      const names: string[] = [];
      for (const key of keys) names.push(`${p}e:${key}`, `${p}kg:${key}`);
      for (const tag of tags) names.push(`${p}tag:${tag}`);
      await run(() =>
        client.eval(INVALIDATE_SCRIPT, { keys: names, arguments: [String(keys.length), String(genTtlMs)] }),
      );
    },
    async bumpEpoch() {
      await run(() => client.multi().incr(`${p}epoch`).pExpire(`${p}epoch`, genTtlMs).exec());
    },
  };
}

function leaseCommands(client: Client, run: Run, { prefix: p }: Place): Pick<RedisL2, 'acquireLease' | 'releaseLease'> {
  const token = randomUUID();
  return {
    async acquireLease(key, ms) {
      const reply = await run(() =>
        client.set(`${p}lease:${key}`, token, { condition: 'NX', expiration: { type: 'PX', value: ms } }),
      );
      return reply === 'OK';
    },
    async releaseLease(key) {
      await run(() => client.eval(RELEASE_SCRIPT, { keys: [`${p}lease:${key}`], arguments: [token] }));
    },
  };
}

function channelCommands(
  { client, subscriber, reconnectListeners }: Connection,
  run: Run,
  { prefix: p }: Place,
): Pick<RedisL2, 'publish' | 'getString' | 'setString' | 'subscribe' | 'onReconnect'> {
  return {
    async publish(channel, message) {
      await run(() => client.publish(`${p}${channel}`, message));
    },
    async getString(name) {
      return run(() => client.get(`${p}${name}`));
    },
    async setString(name, value, ttlMs) {
      await run(() => client.set(`${p}${name}`, value, { expiration: { type: 'PX', value: ttlMs } }));
    },
    async subscribe(channel, onMessage, onReady) {
      let first = true;
      subscriber.on('ready', () => {
        onReady(first);
        first = false;
      });
      subscriber.connect().catch(() => {});
      // node-redis re-subscribes by itself after a reconnect. Waiting is bounded: Redis may be down.
      const subscribed = subscriber.subscribe(`${p}${channel}`, (message) => onMessage(message));
      await timeout(subscribed, 2000).catch(() => {});
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
  };
}

function connect(url: string) {
  const client = createClient({
    url,
    socket: { connectTimeout: 1500, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) },
    // Fail fast while disconnected: the cache falls back to L1 and the loader instead of queueing.
    disableOfflineQueue: true,
    // `run` times every command out itself. node-redis's own default (5 s) arms an AbortSignal.timeout per
    // command that fires after the answer too: 28 against 11 µs of CPU per command (TUNING.md).
    commandOptions: { timeout: 0 },
    // What that timeout also did: bound the commands an unanswering Redis leaves queued.
    commandsQueueMaxLength: COMMANDS_QUEUE_MAX,
  });
  // The subscriber may queue SUBSCRIBE until it connects (it is not on the request path).
  const subscriber = client.duplicate({ disableOfflineQueue: false });
  const reconnectListeners: Array<() => void> = [];
  let lost = false;
  client.on('error', () => {
    lost = true;
  });
  client.on('end', () => {
    lost = true;
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    for (const listener of reconnectListeners) listener();
  });
  subscriber.on('error', () => {});
  // Not awaited (it stays pending while Redis is down): start-up must not wait for Redis.
  client.connect().catch(() => {
    lost = true;
  });
  return { client, subscriber, reconnectListeners };
}
