import { createClient } from 'redis';

export interface RedisProbe {
  check(): Promise<void>;
  close(): Promise<void>;
}

export function createRedisProbe(url: string): RedisProbe {
  const client = createClient({
    url,
    socket: { connectTimeout: 1500, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    disableOfflineQueue: true,
  });
  client.on('error', () => {}); // reported through check(); the client keeps reconnecting
  // Not awaited: Redis down at start shows on /health/ready, it does not block start-up.
  client.connect().catch(() => {});
  return {
    async check() {
      if (!client.isReady) throw new Error('not connected');
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`unexpected PING answer ${pong}`);
    },
    async close() {
      if (client.isOpen) await client.close();
      else client.destroy();
    },
  };
}
