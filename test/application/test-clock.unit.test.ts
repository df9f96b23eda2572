import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestClock } from '../../src/application/test-clock.ts';

test('the test clock moves forward on request and keeps running', async () => {
  const clock = createTestClock();
  const target = new Date(Date.now() + 40 * 86_400_000).toISOString();
  const set = clock.set(target);
  assert.ok(Math.abs(Date.parse(set) - Date.parse(target)) < 50);
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(Date.parse(clock.now()) > Date.parse(set));
});

test('the test clock refuses to go backwards and rejects non-times', () => {
  const clock = createTestClock();
  assert.throws(
    () => clock.set('2000-01-01T00:00:00Z'),
    (e: Error & { code?: string }) => e.code === 'CLOCK_BACKWARDS',
  );
  assert.throws(
    () => clock.set('tomorrow'),
    (e: Error & { code?: string }) => e.code === 'INVALID_TIME',
  );
});

test('the test clock can start in the past', () => {
  const clock = createTestClock(new Date('2026-01-10T00:00:00Z'));
  assert.ok(Math.abs(Date.parse(clock.now()) - Date.parse('2026-01-10T00:00:00Z')) < 50);
});
