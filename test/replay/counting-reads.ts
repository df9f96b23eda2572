// The event log, counting the records its reads return: what a snapshotter fetched back.
import type { EventLog } from '../../src/log/event-log.ts';

export function countingReads(log: EventLog): { log: EventLog; read: () => number } {
  let read = 0;
  const wrapped = new Proxy(log, {
    get(target, property, receiver) {
      if (property !== 'read') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: Parameters<EventLog['read']>) => {
        const records = await target.read(...args);
        read += records.length;
        return records;
      };
    },
  });
  return { log: wrapped, read: () => read };
}
