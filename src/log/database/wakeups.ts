// Notifications only shorten the wait: subscribers also poll, so a lost one costs a poll interval, never a record.
import type { Db } from '../../store/db.ts';
import { EVENT_LOG_CHANNEL } from './append.ts';

export interface Wakeups {
  /** Read it before looking for records. */
  version(topic: string): number;
  wait(topic: string, version: number, ms: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export async function listenForAppends(db: Db): Promise<Wakeups> {
  const versions = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();
  const unlisten = await db.listen(EVENT_LOG_CHANNEL, (topic) => {
    versions.set(topic, (versions.get(topic) ?? 0) + 1);
    for (const wake of waiters.get(topic) ?? []) wake();
  });
  const version = (topic: string) => versions.get(topic) ?? 0;

  return {
    version,
    wait(topic, since, ms, signal) {
      if (version(topic) !== since || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const topicWaiters = waiters.get(topic) ?? new Set<() => void>();
        waiters.set(topic, topicWaiters);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          topicWaiters.delete(done);
          if (topicWaiters.size === 0) waiters.delete(topic);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        topicWaiters.add(done);
      });
    },
    close: unlisten,
  };
}
