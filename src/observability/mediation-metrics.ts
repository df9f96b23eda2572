// Lag, retries and dead letters are the consumer runner's; this adds what became of each record.
import { Counter, type Registry } from 'prom-client';

export type MediationOutcome = 'rated' | 'rejected' | 'duplicate' | 'invalid';

export interface MediationMetrics {
  records(outcome: MediationOutcome, count: number): void;
}

export const noMediationMetrics: MediationMetrics = { records: () => {} };

export function createMediationMetrics(registry: Registry): MediationMetrics {
  const records = new Counter({
    name: 'bss_mediation_records_total',
    help: 'CDRs taken from the mediation feed, by outcome (rated, rejected = recorded as usage.rejected, duplicate = recordId already recorded, invalid = dead-lettered)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Present at 0 from the start, so rate() and alerts see every outcome before it first happens.
  for (const outcome of ['rated', 'rejected', 'duplicate', 'invalid'] as const) records.inc({ outcome }, 0);
  return {
    records: (outcome, count) => {
      if (count > 0) records.inc({ outcome }, count);
    },
  };
}
