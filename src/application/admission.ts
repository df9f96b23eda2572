// Admission control in front of the write path: a bounded number of write requests in progress, and
// refusal (not queueing) when the service is behind: a standing queue where requests wait (CoDel over
// the command groups, the idempotency claims and the event loop: codel.ts), the outbox backlog or a
// consumer's lag past its limit. It decides before the request waits anywhere. A refused request costs microseconds and is safe
// to retry; a queue that grows until clients time out costs the goodput of everyone.

import { createCodel } from './codel.ts';

export type ShedReason = 'queue_full' | 'queue_delay' | 'outbox_backlog' | 'consumer_lag' | 'concurrency';

export interface AdmissionLimits {
  /** Write requests in progress at once (admitted, not yet answered). */
  readonly maxPending: number;
  /** CoDel's target: the queueing delay a request may see (ms)... */
  readonly maxQueueDelayMs: number;
  /** ...at least once in every interval of this length (ms). */
  readonly shedIntervalMs: number;
  /** Outbox rows not yet published to Kafka; 0 = no limit. */
  readonly maxOutboxBacklog: number;
  /** Records a consumer group is behind (summed over partitions); 0 = no limit. */
  readonly maxConsumerLag: number;
}

export interface AdmissionSignals {
  /** How long the oldest command has waited for a group (the command bus's batcher). */
  oldestWaitMs(): number;
  /** How late the event loop runs timers (ms): every request waits that long. */
  eventLoopDelayMs?(): number;
  /** The latest outbox backlog and the largest consumer lag measured (PressureGauge). */
  outboxBacklog(): number;
  consumerLag(): number;
}

export interface Admission {
  /** undefined: admitted, and leave() must follow once answered; otherwise why it is refused. */
  enter(): ShedReason | undefined;
  leave(): void;
  pending(): number;
  /** Another queue a write request waits in (the idempotency claims): its oldest wait counts too. */
  watch(oldestWaitMs: () => number): void;
}

export function createAdmission(limits: AdmissionLimits, signals: AdmissionSignals, now?: () => number): Admission {
  let pending = 0;
  const queues = [signals.oldestWaitMs, ...(signals.eventLoopDelayMs ? [signals.eventLoopDelayMs] : [])];
  const codel = createCodel({
    targetMs: limits.maxQueueDelayMs,
    intervalMs: limits.shedIntervalMs,
    ...(now ? { now } : {}),
  });
  return {
    enter() {
      if (pending >= limits.maxPending) return 'queue_full';
      if (codel.overloaded(Math.max(...queues.map((delay) => delay())))) return 'queue_delay';
      if (limits.maxOutboxBacklog > 0 && signals.outboxBacklog() > limits.maxOutboxBacklog) return 'outbox_backlog';
      if (limits.maxConsumerLag > 0 && signals.consumerLag() > limits.maxConsumerLag) return 'consumer_lag';
      pending += 1;
      return undefined;
    },
    leave() {
      pending = Math.max(0, pending - 1);
    },
    pending: () => pending,
    watch(oldestWaitMs) {
      queues.push(oldestWaitMs);
    },
  };
}

/** The latest backlog and lag measurements, as the relay and the consumers report them. */
export interface PressureGauge {
  outboxBacklog(rows: number): void;
  consumerLag(group: string, partition: number, lag: number): void;
  readonly signals: Pick<AdmissionSignals, 'outboxBacklog' | 'consumerLag'>;
}

export function createPressureGauge(): PressureGauge {
  let backlog = 0;
  const lags = new Map<string, Map<number, number>>();
  return {
    outboxBacklog(rows) {
      backlog = rows;
    },
    consumerLag(group, partition, lag) {
      let partitions = lags.get(group);
      if (!partitions) lags.set(group, (partitions = new Map()));
      partitions.set(partition, lag);
    },
    signals: {
      outboxBacklog: () => backlog,
      consumerLag() {
        let worst = 0;
        for (const partitions of lags.values()) {
          let sum = 0;
          for (const lag of partitions.values()) sum += lag;
          worst = Math.max(worst, sum);
        }
        return worst;
      },
    },
  };
}
