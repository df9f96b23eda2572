// A request that committed and then lost its process before recording its answer: its claim is left
// running (no answer) with a lapsed lease. The retry with the same key takes it over and must get the
// request's result without applying it again (src/application/idempotency/fence.ts).
import assert from 'node:assert/strict';
import type { ComposedApp } from './composed-app.ts';
import { customerBody } from './customers.ts';

/** Turns a recorded answer back into the state a crash between commit and record leaves. */
async function loseAnswer(bss: ComposedApp, key: string): Promise<void> {
  const { rowCount } = await bss.services.db.query(
    `UPDATE idempotency_keys SET status = NULL, headers = NULL, body = NULL, owner = 'a-dead-process',
       locked_until = now() - interval '1 second'
     WHERE key = $1 AND jsonb_array_length(effects) = 1`,
    [key],
  );
  assert.equal(rowCount, 1, 'the committed command recorded its result with the claim');
}

export async function takeoverAfterCommit(bss: ComposedApp, run: string): Promise<void> {
  const headers = (key: string) => ({ ...bss.as('operator'), 'idempotency-key': `${run}-${key}` });
  const customerId = `cus_${run}`;
  const customer = customerBody(customerId);
  const create = () =>
    bss.app.inject({ method: 'POST', url: '/api/v1/customers', headers: headers('create'), payload: customer });
  const first = await create();
  assert.equal(first.statusCode, 201, first.body);
  await loseAnswer(bss, `${run}-create`);
  const events = await bss.countEvents();
  const retry = await create();
  assert.equal(retry.statusCode, 201, `the retry succeeds, not 409 already exists: ${retry.body}`);
  assert.equal(retry.json().customerId, customerId);
  assert.equal(await bss.countEvents(), events, 'no second customer.created');

  // An id the server made: the retry makes the same one and answers the customer, not 404.
  const createUnnamed = () =>
    bss.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: headers('create-unnamed'),
      payload: { ...customer, customerId: undefined, email: `unnamed-${run}@example.com` },
    });
  const unnamed = await createUnnamed();
  assert.equal(unnamed.statusCode, 201, unnamed.body);
  await loseAnswer(bss, `${run}-create-unnamed`);
  const unnamedRetry = await createUnnamed();
  assert.equal(unnamedRetry.statusCode, 201, `the retry finds the customer it created: ${unnamedRetry.body}`);
  assert.equal(unnamedRetry.json().customerId, unnamed.json().customerId);
  assert.equal(await bss.countEvents(), events + 1, 'no second customer.created');

  const change = () =>
    bss.app.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${customerId}`,
      headers: headers('change'),
      payload: { phone: '+43660123456' },
    });
  const changed = await change();
  assert.equal(changed.statusCode, 200, changed.body);
  await loseAnswer(bss, `${run}-change`);
  const again = await change();
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(await bss.countEvents(), events + 2, 'one customer.contactUpdated, not two');
  assert.equal(again.json().version, changed.json().version);
  // The retry's answer is now recorded: a further retry replays it.
  assert.equal((await change()).headers['idempotent-replayed'], 'true');
}
