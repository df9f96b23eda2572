// Admission control's rules with fake signals: the pending bound, the queue delay, the backlog and
// lag limits (0 = none), and the pressure gauge's largest group lag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdmission, createPressureGauge } from '../../src/application/admission.ts';

const limits = { maxPending: 2, maxQueueDelayMs: 100, maxOutboxBacklog: 1000, maxConsumerLag: 0 };

test('writes are admitted up to maxPending; a slot frees when one is answered', () => {
  const admission = createAdmission(limits, { oldestWaitMs: () => 0, outboxBacklog: () => 0, consumerLag: () => 0 });
  assert.equal(admission.enter(), undefined);
  assert.equal(admission.enter(), undefined);
  assert.equal(admission.enter(), 'queue_full');
  assert.equal(admission.pending(), 2, 'a refusal takes no slot');
  admission.leave();
  assert.equal(admission.enter(), undefined);
});

test('refused while commands wait too long for a group or the outbox backlog is past its limit', () => {
  const signals = { wait: 0, backlog: 0, lag: 5_000_000 };
  const admission = createAdmission(limits, {
    oldestWaitMs: () => signals.wait,
    outboxBacklog: () => signals.backlog,
    consumerLag: () => signals.lag,
  });
  signals.wait = 101;
  assert.equal(admission.enter(), 'queue_delay');
  signals.wait = 0;
  signals.backlog = 1001;
  assert.equal(admission.enter(), 'outbox_backlog');
  signals.backlog = 1000;
  assert.equal(admission.enter(), undefined, 'maxConsumerLag 0: lag never refuses');
  assert.equal(admission.pending(), 1);
});

test('consumer lag: the largest group total over its partitions', () => {
  const gauge = createPressureGauge();
  gauge.consumerLag('cache', 0, 5);
  gauge.consumerLag('mediation', 0, 40);
  gauge.consumerLag('mediation', 1, 30);
  gauge.consumerLag('mediation', 0, 10); // a newer measurement replaces the older one
  gauge.outboxBacklog(7);
  assert.equal(gauge.signals.consumerLag(), 40);
  assert.equal(gauge.signals.outboxBacklog(), 7);
  const admission = createAdmission({ ...limits, maxConsumerLag: 39 }, { oldestWaitMs: () => 0, ...gauge.signals });
  assert.equal(admission.enter(), 'consumer_lag');
});
