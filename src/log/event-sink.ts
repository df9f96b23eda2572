// Where a command's events go, inside the same database transaction as its read-model change
// (transactional outbox). In database-log mode the log table itself is the outbox; in Kafka mode the
// records wait in the outbox table until the relay has published them.
import type { Queryable } from '../store/db.ts';
import type { AppendRecord } from './event-log.ts';

export interface EventSink {
  /** The records become part of the log if, and only if, the caller's transaction commits. */
  appendWithin(tx: Queryable, topic: string, records: readonly AppendRecord[]): Promise<void>;
}
