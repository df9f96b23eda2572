// The relay delivers at least once, so an event id can sit at two offsets a round apart: folds skip the second.

/** More than one relay round of a partition (8 batches of 10,000 rows). */
export const SEEN_WINDOW = 100_000;

export class SeenEvents {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  constructor(ids: Iterable<string> = [], capacity = SEEN_WINDOW) {
    this.#capacity = capacity;
    for (const id of ids) this.firstSighting(id);
  }

  firstSighting(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.values().next().value as string);
    return true;
  }

  newest(max: number): string[] {
    const all = [...this.#ids];
    return all.slice(Math.max(0, all.length - max));
  }
}
