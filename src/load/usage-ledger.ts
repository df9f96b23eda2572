// Which usage record ids a run sent, and which of them the service (or the broker) acknowledged as
// recorded: a check compares ids, not counts, because a client that gives up on a call in flight does
// not know whether the service committed it. Two Sets of the same strings: ~1e6 ids cost tens of MB.

/** A POST /usage result status that means "this record is stored". */
const RECORDED = new Set(['RATED', 'REJECTED', 'DUPLICATE']);

export class UsageLedger {
  readonly sent = new Set<string>();
  readonly acknowledged = new Set<string>();

  sending(recordIds: readonly string[]): void {
    for (const id of recordIds) this.sent.add(id);
  }

  /** Every record of the call is stored (the broker acknowledged the batch). */
  acknowledgeAll(recordIds: readonly string[]): void {
    for (const id of recordIds) this.acknowledged.add(id);
  }

  /** The records a 2xx POST /usage answer says are stored, from its `results`. */
  acknowledgeResults(results: unknown): void {
    if (!Array.isArray(results)) return;
    for (const result of results as Array<{ recordId?: unknown; status?: unknown } | null>) {
      if (typeof result?.recordId === 'string' && RECORDED.has(String(result.status)))
        this.acknowledged.add(result.recordId);
    }
  }
}
