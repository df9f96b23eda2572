// Transactional outbox: the log table itself in database-log mode, the outbox table (relayed) in Kafka mode.
import type { Queryable } from '../store/db.ts';
import type { AppendRecord } from './event-log.ts';

export interface EventSink {
  /** Part of the log if, and only if, the caller's transaction commits. */
  appendWithin(tx: Queryable, topic: string, records: readonly AppendRecord[]): Promise<void>;
  /** appendWithin sends every statement before it first awaits one, so a COMMIT sent right after it follows
   * them in the same round trip (Transaction.commit). */
  readonly sendsAtOnce?: boolean;
}
