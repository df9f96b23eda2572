// Helpers for the cache's real-service tests: the Redis URL (required), unique key prefixes, a TCP
// proxy that plays "Redis went away / came back" without touching the shared server, and metrics that
// keep every invalidation lag for percentiles.
import net from 'node:net';
import type { CacheMetrics } from '../../src/cache/cache-metrics.ts';
import { noCacheMetrics } from '../../src/cache/cache-metrics.ts';
import { createLayeredCache, type CacheOptions, type LayeredCache } from '../../src/cache/layered-cache.ts';
import { requireEnv, uniqueName } from '../support/env.ts';

export const redisUrl = () => requireEnv('BSS_REDIS_URL');
export const uniquePrefix = () => `${uniqueName('cachetest')}:`;

export interface Proxy {
  readonly url: string;
  /** Closes the listener and cuts every connection: Redis looks down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Redis answers nothing (a paused process) until `resume`; connections stay open. */
  stall(): void;
  resume(): void;
}

export async function startProxy(target: string): Promise<Proxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let listenPort = 0;
  let stalled = false;
  const held: Array<() => void> = [];
  const up = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(Number(port), hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.on('data', (data: Buffer) => (stalled ? held.push(() => client.write(data)) : client.write(data)));
    });
    await new Promise<void>((resolve) => server?.listen(listenPort, '127.0.0.1', resolve));
    listenPort = (server.address() as net.AddressInfo).port;
  };
  await up();
  return {
    url: `redis://127.0.0.1:${listenPort}`,
    async down() {
      const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    up,
    stall: () => void (stalled = true),
    resume() {
      stalled = false;
      for (const send of held.splice(0)) send();
    },
  };
}

export function lagRecorder(): CacheMetrics & { lags: number[] } {
  const lags: number[] = [];
  return { ...noCacheMetrics, lags, invalidationLag: (_source, seconds) => void lags.push(seconds) };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const opened = new Set<LayeredCache>();

/** A cache that closeAll() closes, so a failing test leaves no Redis connection keeping the run alive. */
export function make(options: CacheOptions): LayeredCache {
  const cache = createLayeredCache(options);
  opened.add(cache);
  return cache;
}

export async function closeAll(): Promise<void> {
  await Promise.allSettled([...opened].map((cache) => cache.close()));
  opened.clear();
}
