// Admission control in front of the write path: a bounded number of write requests in progress, and
// refusal (not queueing) when the service is behind: commands waiting too long for their group, the
// outbox backlog or a consumer's lag past its limit. A refused request costs microseconds and is safe
// to retry; a queue that grows until clients time out costs the goodput of everyone.

export type ShedReason = 'queue_full' | 'queue_delay' | 'outbox_backlog' | 'consumer_lag';

export interface AdmissionLimits {
  /** Write requests in progress at once (admitted, not yet answered). */
  readonly maxPending: number;
  /** How long the oldest command may have waited for its group (ms). */
  readonly maxQueueDelayMs: number;
  /** Outbox rows not yet published to Kafka; 0 = no limit. */
  readonly maxOutboxBacklog: number;
  /** Records a consumer group is behind (summed over partitions); 0 = no limit. */
  readonly maxConsumerLag: number;
}

export interface AdmissionSignals {
  /** How long the oldest command has waited for a group (the command bus's batcher). */
  oldestWaitMs(): number;
  /** The latest outbox backlog and the largest consumer lag measured (PressureGauge). */
  outboxBacklog(): number;
  consumerLag(): number;
}

export interface Admission {
  /** undefined: admitted, and leave() must follow once answered; otherwise why it is refused. */
  enter(): ShedReason | undefined;
  leave(): void;
  pending(): number;
}

export function createAdmission(limits: AdmissionLimits, signals: AdmissionSignals): Admission {
  let pending = 0;
  return {
    enter() {
      if (pending >= limits.maxPending) return 'queue_full';
      if (signals.oldestWaitMs() > limits.maxQueueDelayMs) return 'queue_delay';
      if (limits.maxOutboxBacklog > 0 && signals.outboxBacklog() > limits.maxOutboxBacklog) return 'outbox_backlog';
      if (limits.maxConsumerLag > 0 && signals.consumerLag() > limits.maxConsumerLag) return 'consumer_lag';
      pending += 1;
      return undefined;
    },
    leave() {
      pending = Math.max(0, pending - 1);
    },
    pending: () => pending,
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
