// Every event of the customers in view is folded, whichever the session steps through, so views stay exact.
import { evolveCustomerView, initialCustomerView, type CustomerView, type DomainEvent } from '../../domain/index.ts';
import type { LogRecord } from '../../log/event-log.ts';
import { decodeRecord, type CompiledFilter } from '../shared/filter.ts';
import { windowRanges } from '../shared/records.ts';
import { endOffsetAt, foldPartition, type ReconstructDeps } from '../time-travel/index.ts';
import { SEEN_WINDOW, SeenEvents } from '../shared/seen-events.ts';

export class SessionFold {
  readonly views = new Map<string, CustomerView>();
  readonly cursor = new Map<number, number>();
  time: number | null = null;
  readonly topic: string;
  readonly key: string | undefined;
  private readonly deps: ReconstructDeps;
  private readonly filter: CompiledFilter;
  private seen = new SeenEvents();

  constructor(deps: ReconstructDeps, topic: string, key: string | undefined, filter: CompiledFilter) {
    this.deps = deps;
    this.topic = topic;
    this.key = key;
    this.filter = filter;
  }

  /** Inclusive; default none. */
  async seek(at: number | undefined): Promise<void> {
    const { deps, topic, key } = this;
    this.views.clear();
    this.cursor.clear();
    this.seen = new SeenEvents();
    const ranges = await windowRanges(deps.log, topic, key === undefined ? {} : { key });
    for (const { partition } of ranges) {
      const end =
        at === undefined ? await this.firstOffset(partition) : await endOffsetAt(deps.log, topic, partition, at);
      const state = await foldPartition(deps, topic, partition, end, key);
      for (const [customerId, view] of state.views) this.views.set(customerId, view);
      for (const eventId of state.seen.newest(SEEN_WINDOW)) this.seen.firstSighting(eventId);
      this.cursor.set(partition, end);
    }
    this.time = at ?? null;
  }

  apply(record: LogRecord) {
    this.passed(record);
    if (!this.filter.keyMatches(record)) return undefined;
    const decoded = decodeRecord(this.deps.codec, record, true);
    if (!decoded.ok || !this.seen.firstSighting(decoded.event.id)) return undefined; // republished copy
    const event = decoded.domainEvent as DomainEvent;
    const before = this.views.get(event.data.customerId) ?? initialCustomerView(event.data.customerId);
    const after = evolveCustomerView(before, event);
    this.views.set(event.data.customerId, after);
    return { decoded, event, before, after };
  }

  passed(record: LogRecord): void {
    this.cursor.set(record.partition, record.offset + 1);
    this.time = record.timestamp;
  }

  private async firstOffset(partition: number): Promise<number> {
    return (await this.deps.log.offsets(this.topic)).find((b) => b.partition === partition)?.start ?? 0;
  }
}
