export class SlidingRate {
  readonly #buckets: number[];
  readonly #seconds: number[];
  readonly #now: () => number;

  constructor(windowSeconds: number, now: () => number = Date.now) {
    this.#buckets = new Array<number>(windowSeconds).fill(0);
    this.#seconds = new Array<number>(windowSeconds).fill(-1);
    this.#now = now;
  }

  add(count: number): void {
    const second = Math.floor(this.#now() / 1000);
    const slot = second % this.#buckets.length;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#buckets[slot] = 0;
    }
    this.#buckets[slot] = (this.#buckets[slot] ?? 0) + count;
  }

  perSecond(): number {
    const second = Math.floor(this.#now() / 1000);
    const oldest = second - this.#buckets.length + 1;
    let total = 0;
    this.#seconds.forEach((s, slot) => {
      if (s >= oldest) total += this.#buckets[slot] ?? 0;
    });
    return total / this.#buckets.length;
  }
}
