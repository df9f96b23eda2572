// Worker ↔ supervisor questions over cluster IPC, answered by id; `bss` marks ours apart from prom-client's.
import cluster from 'node:cluster';

export type Question = 'metrics' | 'workers';

/** A worker binds its own socket (exclusive), so cluster never emits 'listening' for it: it says so. */
export const LISTENING = { bss: 'listening', id: 0 } as const;

export function announceListening(): void {
  process.send?.(LISTENING);
}

export interface Ask {
  readonly bss: Question;
  readonly id: number;
}

export interface Answer {
  readonly bss: Question;
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

export const isBssMessage = (message: unknown): message is (Ask & Answer) | typeof LISTENING =>
  typeof message === 'object' && message !== null && 'bss' in message && 'id' in message;

const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextId = 1;
let listening = false;

export function ask<T>(question: Question, timeoutMs = 5_000): Promise<T> {
  if (!cluster.isWorker || !process.send) return Promise.reject(new Error('not running under a supervisor'));
  if (!listening) {
    listening = true;
    process.on('message', (message: unknown) => {
      if (!isBssMessage(message) || message.bss === LISTENING.bss) return;
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.value);
    });
  }
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`the supervisor did not answer '${question}' within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    const settle = {
      resolve: (v: unknown) => (clearTimeout(timer), resolve(v as T)),
      reject: (e: Error) => (clearTimeout(timer), reject(e)),
    };
    pending.set(id, settle);
    process.send?.({ bss: question, id } satisfies Ask);
  });
}
