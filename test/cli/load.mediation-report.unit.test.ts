// The text report of a run whose usage went to the mediation feed: the CDRs produced, their produce
// latency and how the drain ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport } from '../../src/cli/load.ts';
import type { LoadReport, MediationReport } from '../../src/load/generator.ts';
import { percentiles } from '../../src/load/stats.ts';

function report(mediation: MediationReport): LoadReport {
  const none = percentiles([]);
  return {
    runId: 'r1',
    urls: ['http://127.0.0.1:8080'],
    startedAt: '2026-11-24T03:00:00.000Z',
    setupS: 1,
    durationS: 10,
    config: {
      steps: [],
      mix: { usage: 1, order: 0, payment: 0, customer: 0, read: 0 },
      customers: 1,
      zipf: 1,
      usageBatch: 100,
      connections: 1,
    },
    operations: { sent: 3, completed: 3, unfinished: 0 },
    events: { offered: 300, accepted: 300, offeredPerSecond: 30, acceptedPerSecond: 30 },
    latency: { 'usage.produce': percentiles([4, 5, 6]) },
    overall: percentiles([4, 5, 6]),
    sendLag: none,
    steps: [],
    errors: 0,
    errorsByStatus: {},
    statuses: { 'usage.produce produced': 3 },
    mediation,
  };
}

const feed = {
  topic: 'bss.usage.mediation',
  group: 'bss-mediation',
  produced: 300,
  producedPerSecond: 30,
  failed: 0,
  produceLatency: percentiles([4, 5, 6]),
};

test('a drained feed: CDRs produced, produce latency and the drain time', () => {
  const text = formatReport(report({ ...feed, drain: { seconds: 2.5, lag: 0 } }));
  assert.match(
    text,
    /mediation 300 CDRs produced to bss\.usage\.mediation \(30\/s\), 0 batches failed; produce p50 5\.0 ms, p99 6\.0 ms/,
  );
  assert.match(text, /drain {5}group bss-mediation caught up \(lag 0\) 2\.5 s after the run/);
});

test('a feed that did not drain in time says how far behind it is', () => {
  const text = formatReport(report({ ...feed, drain: { seconds: 120, lag: 42 } }));
  assert.match(text, /group bss-mediation still 42 CDRs behind after 120\.0 s/);
});
