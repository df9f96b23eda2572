// The relay delivers at least once, so an event id can sit at two offsets a round apart: folds skip the second.

/** More than one relay round of a partition (8 batches of 10,000 rows). */
export const SEEN_WINDOW = 100_000;

/** The last `capacity` ids, oldest forgotten first. A ring names the oldest: evicting through a Set's iterator
 * walks the slots its deletions left, so each record cost grew with the window (a third of the service). */
export class SeenEvents {
  readonly #ids = new Set<string>();
  readonly #ring: string[] = [];
  #oldest = 0;
  readonly #capacity: number;

  constructor(ids: Iterable<string> = [], capacity = SEEN_WINDOW) {
    this.#capacity = capacity;
    for (const id of ids) this.firstSighting(id);
  }

  firstSighting(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(id);
    } else {
      this.#ids.delete(this.#ring[this.#oldest] as string);
      this.#ring[this.#oldest] = id;
      this.#oldest = (this.#oldest + 1) % this.#capacity;
    }
    return true;
  }

  /** The newest ids, oldest of them first. */
  newest(max: number): string[] {
    const inOrder = [...this.#ring.slice(this.#oldest), ...this.#ring.slice(0, this.#oldest)];
    return inOrder.slice(Math.max(0, inOrder.length - max));
  }
}
