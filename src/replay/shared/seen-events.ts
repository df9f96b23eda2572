// Event ids a fold of the log has already applied. The outbox relay delivers at least once: a crashed
// round is published again, so one event id can sit at two offsets of its partition (a round apart).
// Every fold skips the second sighting; only the newest ids are kept, which covers a round.

/** Ids remembered per fold: more than one relay round of a partition (8 batches of 10,000 rows). */
export const SEEN_WINDOW = 100_000;

export class SeenEvents {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  constructor(ids: Iterable<string> = [], capacity = SEEN_WINDOW) {
    this.#capacity = capacity;
    for (const id of ids) this.firstSighting(id);
  }

  /** True the first time an id is seen (and remembers it); false for a republished copy. */
  firstSighting(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.values().next().value as string);
    return true;
  }

  /** The newest `max` ids, oldest first (what a snapshot keeps for the fold that resumes from it). */
  newest(max: number): string[] {
    const all = [...this.#ids];
    return all.slice(Math.max(0, all.length - max));
  }
}
