// The chaos report counts the instances' error log lines by message and error (bench/chaos/run.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countErrorLogs } from '../../bench/chaos/run.ts';

test('error and fatal lines are counted by message and error; other levels and non-JSON lines are not', () => {
  const deadlock = { type: 'DatabaseError', message: 'deadlock detected' };
  const log = [
    JSON.stringify({ level: 50, msg: 'could not record the idempotency key outcome; retrying', err: deadlock }),
    JSON.stringify({ level: 50, msg: 'could not record the idempotency key outcome; retrying', err: deadlock }),
    JSON.stringify({ level: 60, msg: 'fatal' }),
    JSON.stringify({ level: 40, msg: 'a warning' }),
    'BSS is running',
    '{not json',
  ].join('\n');
  assert.deepEqual(countErrorLogs(log), {
    'could not record the idempotency key outcome; retrying: DatabaseError deadlock detected': 2,
    fatal: 1,
  });
});
