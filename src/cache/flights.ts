// Single flight per key in this instance: concurrent readers of one key share one load. A load that
// started before an invalidation of its key or tags is forgotten, so later readers start a new one.

interface Flight {
  readonly promise: Promise<unknown>;
  readonly tags: readonly string[];
}

export class Flights {
  readonly #flights = new Map<string, Flight>();

  has(key: string): boolean {
    return this.#flights.has(key);
  }

  /** The load running for `key`, or `fn` started as that load. */
  run<T>(key: string, tags: readonly string[], fn: () => Promise<T>): Promise<T> {
    const existing = this.#flights.get(key);
    if (existing) return existing.promise as Promise<T>;
    const promise = fn().finally(() => {
      if (this.#flights.get(key)?.promise === promise) this.#flights.delete(key);
    });
    this.#flights.set(key, { promise, tags });
    return promise;
  }

  /** Readers arriving after an invalidation must not join a load that started before it. */
  forget(keys: readonly string[], tags: readonly string[]): void {
    for (const [key, f] of this.#flights) {
      if (keys.includes(key) || f.tags.some((t) => tags.includes(t))) this.#flights.delete(key);
    }
  }

  clear(): void {
    this.#flights.clear();
  }
}
