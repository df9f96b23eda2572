// Refuse rather than queue when a standing queue forms (CoDel), the outbox backlog or a consumer's lag is past
// its limit: a refusal costs microseconds and is safe to retry; a growing queue costs everyone's goodput.

import { createCodel } from './codel.ts';

export type ShedReason = 'queue_full' | 'queue_delay' | 'outbox_backlog' | 'consumer_lag' | 'concurrency';

export interface AdmissionLimits {
  readonly maxPending: number;
  /** CoDel's target (ms), to be met at least once per shedIntervalMs. */
  readonly maxQueueDelayMs: number;
  readonly shedIntervalMs: number;
  /** 0 = no limit. */
  readonly maxOutboxBacklog: number;
  /** Summed over partitions; 0 = no limit. */
  readonly maxConsumerLag: number;
}

export interface AdmissionSignals {
  oldestWaitMs(): number;
  eventLoopDelayMs?(): number;
  outboxBacklog(): number;
  consumerLag(): number;
}

export interface Admission {
  /** undefined: admitted, and leave() must follow once answered; otherwise why it is refused. */
  enter(): ShedReason | undefined;
  leave(): void;
  pending(): number;
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
