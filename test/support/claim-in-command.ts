// POST /usage claims its Idempotency-Key inside its command's transaction (src/application/idempotency/fence.ts):
// the same answers as a claim of its own (replay, reuse, in progress, takeover after a crash), one statement fewer.
import assert from 'node:assert/strict';
import type { ComposedApp } from './composed-app.ts';
import { activeSubscription, client, eventCounts } from './journeys.ts';

type Send = ReturnType<typeof client>;

/** Counts the store's own claim statements: a tentative claim makes none unless the key is there already. */
function countClaims(bss: ComposedApp): () => number {
  const store = bss.services.application.idempotency;
  const claim = store.claim.bind(store);
  let calls = 0;
  store.claim = (...args) => ((calls += 1), claim(...args));
  return () => calls;
}

async function usageEvents(bss: ComposedApp): Promise<number> {
  const counts = await eventCounts(bss.services.db);
  return (counts['usage.rated'] ?? 0) + (counts['usage.rejected'] ?? 0);
}

function poster(send: Send, subscriptionId: string, run: string) {
  const record = (id: string, quantity: number = 1) => ({
    recordId: `${run}-${id}`,
    subscriptionId,
    usageType: 'sms',
    quantity,
    startedAt: new Date().toISOString(),
  });
  const post = (key: string, records: readonly object[]) =>
    send({
      method: 'POST',
      url: '/api/v1/usage',
      headers: { 'idempotency-key': `${run}-${key}` },
      payload: { records },
    });
  return { record, post };
}

async function setRow(bss: ComposedApp, key: string, set: string): Promise<void> {
  const { rowCount } = await bss.services.db.query(`UPDATE idempotency_keys SET ${set} WHERE key = $1`, [key]);
  assert.equal(rowCount, 1);
}

export async function claimInCommandScenario(bss: ComposedApp, run: string): Promise<void> {
  const send = client(bss);
  const { subscriptionId } = await activeSubscription(send);
  const { record, post } = poster(send, subscriptionId, run);
  const claims = countClaims(bss);
  const events = await usageEvents(bss);

  const r1 = record('r1');
  const first = await post('a', [r1]);
  assert.equal(first.statusCode, 202, first.body);
  assert.equal(first.json().results[0].status, 'RATED');
  assert.equal(claims(), 0, 'the command claimed the key: no claim statement');
  const retry = await post('a', [r1]);
  assert.equal(retry.statusCode, 202);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  assert.equal(retry.body, first.body);
  const reused = await post('a', [record('r2')]);
  assert.equal(reused.statusCode, 422);
  assert.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED');
  assert.equal(await usageEvents(bss), events + 1, 'the retry and the reuse ran nothing');

  // Answered before any command (a 400): the answer is stored, so the key stays bound to that request.
  const invalid = await post('b', [record('r3', -1)]);
  assert.equal(invalid.statusCode, 400, invalid.body);
  assert.equal((await post('b', [record('r3')])).json().code, 'IDEMPOTENCY_KEY_REUSED');

  // Committed, then the process died before the answer was stored: the retry takes the claim over and gets
  // the committed result, not DUPLICATE, without a second event.
  const r4 = record('r4');
  assert.equal((await post('c', [r4])).statusCode, 202);
  await setRow(bss, `${run}-c`, `status = NULL, owner = 'dead', locked_until = now() - interval '1 second'`);
  const takenOver = await post('c', [r4]);
  assert.equal(takenOver.statusCode, 202, takenOver.body);
  assert.equal(takenOver.headers['idempotent-replayed'], undefined);
  assert.equal(takenOver.json().results[0].status, 'RATED');

  // Still running elsewhere: 409 with Retry-After, nothing run.
  const r5 = record('r5');
  assert.equal((await post('d', [r5])).statusCode, 202);
  await setRow(bss, `${run}-d`, `status = NULL, owner = 'alive', locked_until = now() + interval '1 minute'`);
  const running = await post('d', [r5]);
  assert.equal(running.statusCode, 409, running.body);
  assert.equal(running.json().code, 'IDEMPOTENCY_KEY_IN_PROGRESS');
  assert.equal(running.headers['retry-after'], '1');
  assert.equal(await usageEvents(bss), events + 3);
}

/** Retries of one request at once: one runs it, the others replay it or are told it is running. */
export async function concurrentRetries(bss: ComposedApp, run: string): Promise<void> {
  const send = client(bss);
  const { subscriptionId } = await activeSubscription(send);
  const { record, post } = poster(send, subscriptionId, run);
  const events = await usageEvents(bss);
  const r = record('concurrent');
  const responses = await Promise.all(Array.from({ length: 8 }, () => post('concurrent', [r])));
  for (const response of responses)
    assert.ok(
      response.statusCode === 202 || response.json().code === 'IDEMPOTENCY_KEY_IN_PROGRESS',
      `${response.statusCode} ${response.body}`,
    );
  const ran = responses.filter((r) => r.statusCode === 202 && !r.headers['idempotent-replayed']);
  assert.equal(ran.length, 1, 'one ran it');
  assert.equal(ran[0]?.json().results[0].status, 'RATED');
  assert.equal(await usageEvents(bss), events + 1);
}
