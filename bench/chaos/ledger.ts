// The client's ledger: every write the service acknowledged (2xx), with the event it must have made,
// and every attempt (status, instance, phase), from which the report counts errors and recovery.

/** One acknowledged write: the event (type, subject) it must appear as, exactly once. */
export interface Acknowledged {
  readonly kind: 'customer' | 'order' | 'authorize' | 'capture' | 'change' | 'cdr';
  readonly eventType: string;
  readonly subject: string;
  readonly customerId: string;
  /** Minor units captured (capture only). */
  readonly amount?: number;
  /** What tells this write's event from others of the same subject (a change: the new phone). */
  readonly detail?: string;
  readonly key: string;
  /** The fault window it was acknowledged in. */
  readonly phase: string;
}

export interface Attempt {
  readonly phase: string;
  readonly instance: number;
  /** HTTP status, or the Node error code when no answer came. */
  readonly status: string;
  readonly sentAt: number;
  readonly doneAt: number;
  readonly ok: boolean;
}

/** A write the client gave up on (its retry budget ran out): neither acknowledged nor refused. */
export interface Abandoned extends Omit<Acknowledged, 'phase'> {
  readonly lastStatus: string;
}

export class Ledger {
  readonly acknowledged: Acknowledged[] = [];
  readonly attempts: Attempt[] = [];
  readonly abandoned: Abandoned[] = [];
  /** Final 4xx answers (the request itself was refused): not writes, listed to explain them. */
  readonly refused: Array<{ kind: string; subject: string; status: string; body: string }> = [];

  /** Sum captured per customer, in minor units: acknowledged captures and those of `alsoDone`. */
  capturedBy(alsoDone: readonly Abandoned[]): Map<string, number> {
    const sums = new Map<string, number>();
    for (const a of [...this.acknowledged, ...alsoDone]) {
      if (a.kind === 'capture') sums.set(a.customerId, (sums.get(a.customerId) ?? 0) + (a.amount ?? 0));
    }
    return sums;
  }

  touchedCustomers(): string[] {
    return [...new Set(this.acknowledged.map((a) => a.customerId))].sort();
  }
}
