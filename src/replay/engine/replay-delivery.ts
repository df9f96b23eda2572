// A failing batch is retried event by event, so only the failing events count as errors.
import type { EventCodec } from '../../events/codec.ts';
import type { DeliveredEvent } from '../../log/consumer-runner.ts';
import type { LogRecord } from '../../log/event-log.ts';
import { decodeRecord, type CompiledFilter } from '../shared/filter.ts';
import type { JobState } from './jobs.ts';
import type { TargetWriter } from './targets.ts';

export class Failed extends Error {}

export interface DeliveryOptions {
  readonly codec: EventCodec;
  readonly filter: CompiledFilter;
  readonly validate: boolean;
  readonly ignoreErrors: boolean;
}

export interface Delivery {
  classify(records: readonly LogRecord[]): DeliveredEvent[];
  deliver(target: TargetWriter, events: readonly DeliveredEvent[]): Promise<void>;
}

export function createDelivery(state: JobState, options: DeliveryOptions): Delivery {
  const { codec, filter, validate, ignoreErrors } = options;

  function fail(record: LogRecord, type: string | null, message: string): void {
    state.countFailed({ partition: record.partition, offset: record.offset, type, message });
    if (!ignoreErrors) throw new Failed(`${record.partition}/${record.offset}: ${message}`);
  }

  function classify(records: readonly LogRecord[]): DeliveredEvent[] {
    const matched: DeliveredEvent[] = [];
    for (const record of records) {
      if (!filter.keyMatches(record)) {
        state.countFiltered();
        continue;
      }
      const decoded = decodeRecord(codec, record, validate);
      if (!decoded.ok) {
        fail(record, null, `invalid event: ${decoded.reason}`);
        continue;
      }
      if (!filter.eventMatches(decoded)) {
        state.countFiltered();
        continue;
      }
      matched.push({ event: decoded.event, domainEvent: decoded.domainEvent, record });
    }
    return matched;
  }

  async function deliver(target: TargetWriter, events: readonly DeliveredEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await target.deliver(events);
      state.countDelivered(events.map(({ event }) => event.type));
      return;
    } catch (error) {
      if (events.length === 1) {
        const [only] = events as [DeliveredEvent];
        fail(only.record, only.event.type, String((error as Error).message ?? error));
        return;
      }
    }
    for (const event of events) await deliver(target, [event]);
  }

  return { classify, deliver };
}
