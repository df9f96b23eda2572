// Admission control's rules with fake signals and a fake clock: the pending bound, CoDel over the queueing
// delays, the backlog and lag limits (0 = none), and the pressure gauge's largest group lag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdmission, createPressureGauge } from '../../src/application/admission.ts';

const limits = { maxPending: 2, maxQueueDelayMs: 100, shedIntervalMs: 1000, maxOutboxBacklog: 1000, maxConsumerLag: 0 };

test('writes are admitted up to maxPending; a slot frees when one is answered', () => {
  const admission = createAdmission(limits, { oldestWaitMs: () => 0, outboxBacklog: () => 0, consumerLag: () => 0 });
  assert.equal(admission.enter(), undefined);
  assert.equal(admission.enter(), undefined);
  assert.equal(admission.enter(), 'queue_full');
  assert.equal(admission.pending(), 2, 'a refusal takes no slot');
  admission.leave();
  assert.equal(admission.enter(), undefined);
});

test('refused while the outbox backlog is past its limit; lag only with a limit', () => {
  const signals = { backlog: 0, lag: 5_000_000 };
  const admission = createAdmission(limits, {
    oldestWaitMs: () => 0,
    outboxBacklog: () => signals.backlog,
    consumerLag: () => signals.lag,
  });
  signals.backlog = 1001;
  assert.equal(admission.enter(), 'outbox_backlog');
  signals.backlog = 1000;
  assert.equal(admission.enter(), undefined, 'maxConsumerLag 0: lag never refuses');
  assert.equal(admission.pending(), 1);
});

/** Admission with a fake clock: at(now, wait) asks it at that time, with the group's oldest wait. */
function codelAt(): (now: number, wait: number) => ReturnType<ReturnType<typeof createAdmission>['enter']> {
  const clock = { now: 0, wait: 0 };
  const admission = createAdmission(
    { ...limits, maxPending: 1000 },
    { oldestWaitMs: () => clock.wait, outboxBacklog: () => 0, consumerLag: () => 0 },
    () => clock.now,
  );
  return (now, wait) => ((clock.now = now), (clock.wait = wait), admission.enter());
}

test('CoDel: a burst above the target is served; a delay above it for a whole interval sheds', () => {
  const at = codelAt();
  assert.equal(at(0, 500), undefined, 'a burst: above the target, not yet for an interval');
  assert.equal(at(900, 300), undefined);
  assert.equal(at(950, 80), undefined, 'the queue drained under the target: the interval starts again');
  assert.equal(at(1000, 150), undefined);
  assert.equal(at(1999, 101), undefined);
  assert.equal(at(2000, 120), 'queue_delay', 'the shortest delay stayed above the target for 1 s');
  assert.equal(at(2500, 5000), 'queue_delay');
  assert.equal(at(2600, 100), undefined, 'back at the target: admitted at once');
  assert.equal(at(2700, 400), undefined, 'and a new interval must pass before shedding again');
  assert.equal(at(3700, 400), 'queue_delay');
});

test('CoDel: samples further apart than an interval are no standing queue', () => {
  const at = codelAt();
  assert.equal(at(0, 500), undefined);
  assert.equal(at(1500, 500), undefined, 'nothing was seen for 1.5 s: the interval starts again');
  assert.equal(at(2400, 500), undefined);
  assert.equal(at(2500, 500), 'queue_delay', 'seen above the target all through the interval');
});

test('CoDel watches every queue a write waits in: the claims and the event loop too', () => {
  const clock = { now: 0, loop: 0, claims: 0 };
  const admission = createAdmission(
    { ...limits, maxPending: 1000 },
    { oldestWaitMs: () => 0, eventLoopDelayMs: () => clock.loop, outboxBacklog: () => 0, consumerLag: () => 0 },
    () => clock.now,
  );
  admission.watch(() => clock.claims);
  clock.claims = 300;
  admission.enter();
  clock.now = 1000;
  assert.equal(admission.enter(), 'queue_delay', 'the idempotency claims stood above the target');
  clock.claims = 0;
  assert.equal(admission.enter(), undefined);
  clock.loop = 250;
  admission.enter();
  clock.now = 2000;
  assert.equal(admission.enter(), 'queue_delay', 'the event loop ran late for an interval');
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
