// Admission control through the real app (run on PGlite and on PostgreSQL): a burst of single-CDR
// writes past BSS_SHED_PENDING is partly refused with 503 + Retry-After (OVERLOADED), counted
// in bss_requests_shed_total, readiness stays 200, and clients retrying with their Idempotency-Key
// end with every record rated exactly once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ComposedApp } from '../support/composed-app.ts';
import { activeSubscription, client, eventCounts } from '../support/journeys.ts';

/** The environment that makes a small burst overflow the write path. */
export const TINY_QUEUE = { BSS_SHED_PENDING: '2' };

export async function burstIsShedAndRetriesLoseNothing(bss: ComposedApp): Promise<void> {
  const send = client(bss);
  const { subscriptionId } = await activeSubscription(send);
  const before = (await eventCounts(bss.services.db))['usage.rated'] ?? 0;
  const startedAt = new Date().toISOString();
  const post = (recordId: string) =>
    send({
      method: 'POST',
      url: '/api/v1/usage',
      headers: { 'idempotency-key': `usage-${recordId}` },
      payload: { records: [{ recordId, subscriptionId, usageType: 'sms', quantity: 1, startedAt }] },
    });
  const ids = Array.from({ length: 30 }, () => `cdr-${randomUUID()}`);

  const [ready, ...first] = await Promise.all([
    send({ method: 'GET', url: '/health/ready' }),
    ...ids.map((id) => post(id)),
  ]);
  assert.equal(ready?.statusCode, 200, 'shedding is not unready');
  const refused = first.filter((r) => r.statusCode === 503);
  assert.ok(refused.length > 0, 'a burst past the limit is partly refused');
  assert.ok(
    first.some((r) => r.statusCode === 202),
    'and partly taken',
  );
  for (const response of refused) {
    assert.equal(response.headers['retry-after'], '1');
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.equal(response.json().code, 'OVERLOADED');
    assert.equal(response.json().retryable, true);
  }

  // Clients retry what was refused, with the same key, until taken.
  let pending = ids.filter((_, i) => first[i]?.statusCode === 503);
  for (let round = 0; pending.length > 0 && round < 100; round++) {
    const answers = await Promise.all(pending.map((id) => post(id)));
    for (const a of answers) assert.ok(a.statusCode === 202 || a.statusCode === 503, `${a.statusCode} ${a.body}`);
    pending = pending.filter((_, i) => answers[i]?.statusCode === 503);
  }
  assert.deepEqual(pending, [], 'every refused write is taken on retry');
  // And a late duplicate of every request is answered from its key, running nothing again.
  for (const id of ids) {
    const again = await post(id);
    assert.equal(again.statusCode, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().results[0].status, 'RATED');
  }
  assert.equal((await eventCounts(bss.services.db))['usage.rated'], before + ids.length, 'each record once');

  const metrics = (await send({ method: 'GET', url: '/metrics' })).body;
  const shed = /^bss_requests_shed_total\{reason="queue_full"\} (\d+)$/m.exec(metrics);
  assert.ok(shed && Number(shed[1]) >= refused.length, 'refusals are counted');
}
