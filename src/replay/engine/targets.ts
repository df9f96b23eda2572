import type { DeliveredEvent, EventHandler } from '../../log/consumer-runner.ts';
import type { EventLog, LogRecord } from '../../log/event-log.ts';
import { evolveCustomerView, initialCustomerView, type CustomerView, type DomainEvent } from '../../domain/index.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { sliceByTimeSpan } from '../shared/records.ts';

export const LIVE_EVENTS_TOPIC = 'bss.events';
/** Its value is the job id. */
export const REPLAY_HEADER = 'bss-replay';

export type ReplayTarget =
  /** Handlers with replaySafe false are never called. */
  | { readonly kind: 'handlers'; readonly handlers: readonly EventHandler[] }
  | { readonly kind: 'topic'; readonly topic: string }
  /** Nothing is written; `onApplied` returning true pauses the job (a breakpoint). */
  | {
      readonly kind: 'sandbox';
      readonly views?: Map<string, CustomerView>;
      readonly onApplied?: (event: DomainEvent, view: CustomerView, record: LogRecord) => boolean | void;
    };

export interface TargetWriter {
  readonly skipped: readonly string[];
  deliver(events: readonly DeliveredEvent[]): Promise<void>;
  pauseRequested(): boolean;
  readonly views: Map<string, CustomerView>;
}

/** Any name ending in bss.events: on a shared cluster every environment's live topic has that suffix. */
export function isLiveTopic(topic: string, liveTopic: string = LIVE_EVENTS_TOPIC): boolean {
  return topic === liveTopic || topic.endsWith(LIVE_EVENTS_TOPIC);
}

export function checkTarget(target: ReplayTarget, sourceTopic: string, liveTopic?: string): void {
  if (target.kind !== 'topic') return;
  if (isLiveTopic(target.topic, liveTopic))
    throw badReplayRequest(`a replay never appends to a live topic (${target.topic})`);
  if (target.topic === sourceTopic) throw badReplayRequest('a replay cannot append to the topic it reads');
}

export async function openTarget(
  target: ReplayTarget,
  log: EventLog,
  sourceTopic: string,
  jobId: string,
): Promise<TargetWriter> {
  const views = target.kind === 'sandbox' ? (target.views ?? new Map<string, CustomerView>()) : new Map();
  let pause = false;
  switch (target.kind) {
    case 'handlers': {
      const safe = target.handlers.filter((h) => h.replaySafe);
      return {
        skipped: target.handlers.filter((h) => !h.replaySafe).map((h) => h.name),
        views,
        pauseRequested: () => false,
        async deliver(events) {
          const marked = events.map((e) => ({
            ...e,
            record: { ...e.record, headers: { ...e.record.headers, [REPLAY_HEADER]: jobId } },
          }));
          for (const handler of safe) await handler.handle(marked);
        },
      };
    }
    case 'topic': {
      // Same partition count, so a customer's copies stay in one partition and in order.
      await log.ensureTopic(target.topic, { partitions: await log.partitionCount(sourceTopic), retentionMs: -1 });
      return {
        skipped: [],
        views,
        pauseRequested: () => false,
        async deliver(events) {
          const copies = events.map(({ record }) => ({
            key: record.key,
            value: record.value,
            timestamp: record.timestamp,
            headers: { ...record.headers, [REPLAY_HEADER]: jobId },
          }));
          for (const slice of sliceByTimeSpan(copies)) await log.append(target.topic, slice);
        },
      };
    }
    case 'sandbox':
      return {
        skipped: [],
        views,
        pauseRequested: () => {
          const asked = pause;
          pause = false;
          return asked;
        },
        async deliver(events) {
          for (const { domainEvent, record } of events) {
            const event = domainEvent as DomainEvent;
            const id = event.data.customerId;
            const view = evolveCustomerView(views.get(id) ?? initialCustomerView(id), event);
            views.set(id, view);
            if (target.onApplied?.(event, view, record) === true) pause = true;
          }
        },
      };
  }
}
