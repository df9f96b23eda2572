// A load that started before an invalidation of its key or tags is forgotten, so later readers start anew.

interface Flight {
  readonly promise: Promise<unknown>;
  readonly tags: readonly string[];
}

export class Flights {
  readonly #flights = new Map<string, Flight>();

  has(key: string): boolean {
    return this.#flights.has(key);
  }

  run<T>(key: string, tags: readonly string[], fn: () => Promise<T>): Promise<T> {
    const existing = this.#flights.get(key);
    if (existing) return existing.promise as Promise<T>;
    const promise = fn().finally(() => {
      if (this.#flights.get(key)?.promise === promise) this.#flights.delete(key);
    });
    this.#flights.set(key, { promise, tags });
    return promise;
  }

  forget(keys: readonly string[], tags: readonly string[]): void {
    for (const [key, f] of this.#flights) {
      if (keys.includes(key) || f.tags.some((t) => tags.includes(t))) this.#flights.delete(key);
    }
  }

  clear(): void {
    this.#flights.clear();
  }
}
