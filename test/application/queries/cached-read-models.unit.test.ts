// Cached reads on embedded PGlite (L1 only): the cached pair keeps ETag = version, the service's own
// writes are seen at once (write path), SQL run by hand through NOTIFY, and a missing row is a 404 until
// it is created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createCache } from '../../../src/cache/index.ts';
import { cachedReadModels, registerReadModelLoaders } from '../../../src/application/queries/cached-read-models.ts';
import { composedApp } from '../../support/composed-app.ts';
import { activeSubscription, client, createCustomer } from '../../support/journeys.ts';
import { waitFor } from '../../support/wait.ts';

test('GETs are served from the cache with ETag = version, and every write is seen', async () => {
  const bss = await composedApp();
  try {
    const send = client(bss);
    const id = await createCustomer(send);
    const get = () => send({ method: 'GET', url: `/api/v1/customers/${id}` });
    const first = await get();
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers.etag, '"1"');
    const loads = bss.services.cache.stats().loads;
    const second = await get();
    assert.equal(second.headers.etag, '"1"');
    assert.deepEqual(second.json(), first.json());
    assert.equal(bss.services.cache.stats().loads, loads, 'the second GET was a cache hit');

    // The service's own write: the write path invalidates before the response.
    const patched = await send({
      method: 'PATCH',
      url: `/api/v1/customers/${id}`,
      payload: { email: 'n@example.com' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const after = await get();
    assert.equal(after.headers.etag, '"2"');
    assert.equal(after.json().email, 'n@example.com');
    // The bus silenced NOTIFY for its own transaction: no notify invalidation came of it.
    assert.equal(bss.services.cache.stats().invalidations.notify, 0);

    // SQL run by hand: NOTIFY (PGlite's own) invalidates.
    await bss.services.db.query(
      `UPDATE customers SET state = jsonb_set(state, '{email}', '"sql@example.com"'), version = version + 1 WHERE id = $1`,
      [id],
    );
    await waitFor('notify', async () => (await get()).json().email === 'sql@example.com', 5000);
    assert.equal((await get()).headers.etag, '"3"');
  } finally {
    await bss.close();
  }
});

test('balance, subscription, order, invoice and payment reads go through the cache', async () => {
  const bss = await composedApp();
  try {
    const send = client(bss);
    const { customerId, orderId, subscriptionId } = await activeSubscription(send);
    for (const url of [
      `/api/v1/customers/${customerId}/balance`,
      `/api/v1/subscriptions/${subscriptionId}`,
      `/api/v1/orders/${orderId}`,
    ]) {
      assert.equal((await send({ method: 'GET', url })).statusCode, 200, url);
    }
    const caches = bss.services.cache.stats().caches;
    for (const family of ['customer', 'balance', 'subscription', 'order'])
      assert.ok((caches[family]?.loads ?? 0) >= 1, `${family} loaded through the cache`);
    for (const url of [`/api/v1/invoices/inv_${randomUUID()}`, `/api/v1/payments/pay_${randomUUID()}`])
      assert.equal((await send({ method: 'GET', url })).statusCode, 404, url);
  } finally {
    await bss.close();
  }
});

test('a cached miss becomes the row once it is created; warming loads through the registered loaders', async () => {
  const bss = await composedApp();
  try {
    const send = client(bss);
    const id = `cus_${randomUUID()}`;
    assert.equal((await send({ method: 'GET', url: `/api/v1/customers/${id}` })).statusCode, 404);
    await createCustomer(send, id);
    assert.equal((await send({ method: 'GET', url: `/api/v1/customers/${id}` })).statusCode, 200);

    const cache = createCache({ prefix: 'unit:' });
    registerReadModelLoaders(cache.loaders, bss.services.db);
    const warmed = await cache.warm([`customer:${id}`, `balance:${id}`, 'customer:list:x', 'nope:1']);
    assert.deepEqual(warmed, { loaded: 2, failed: 0, skipped: 2 });
    const reads = cachedReadModels(bss.services.db, cache);
    const row = await reads.get<{ customerId: string }>('customer', id);
    assert.equal(row?.state.customerId, id);
    assert.equal(row?.version, 1);
    assert.equal(cache.stats().loads, 2, 'served from the warmed entry');
    await cache.close();
  } finally {
    await bss.close();
  }
});

test('cache routes: /cache/stats (any role) reports real numbers, /cache/warm (operator) warms', async () => {
  const bss = await composedApp();
  try {
    const send = client(bss);
    const id = await createCustomer(send);
    await send({ method: 'GET', url: `/api/v1/customers/${id}` });
    await send({ method: 'GET', url: `/api/v1/customers/${id}` });
    const anonymous = await bss.app.inject({ method: 'GET', url: '/api/v1/cache/stats' });
    assert.equal(anonymous.statusCode, 401);
    const stats = await send({ method: 'GET', url: '/api/v1/cache/stats', headers: bss.as('viewer') });
    assert.equal(stats.statusCode, 200, stats.body);
    const body = stats.json();
    assert.equal(body.redis, 'disabled');
    assert.ok(body.levels.l1.hits >= 1);
    assert.ok(body.invalidations.write >= 1);
    assert.ok(body.caches.customer.loads >= 1);

    const warm = await send({
      method: 'POST',
      url: '/api/v1/cache/warm',
      headers: bss.as('operator'),
      payload: { keys: [`customer:${id}`, 'unknown:1'] },
    });
    assert.equal(warm.statusCode, 200, warm.body);
    assert.deepEqual(warm.json(), { loaded: 1, failed: 0, skipped: 1 });
    const hottest = await send({ method: 'POST', url: '/api/v1/cache/warm', headers: bss.as('admin') });
    assert.equal(hottest.statusCode, 200, hottest.body);
    assert.ok(hottest.json().loaded >= 1);
    const asViewer = await send({ method: 'POST', url: '/api/v1/cache/warm', headers: bss.as('viewer') });
    assert.equal(asViewer.statusCode, 403, 'a viewer may not warm');
    const metrics = await send({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /bss_cache_requests_total\{cache="customer",level="l1",result="hit"\} \d+/);
  } finally {
    await bss.close();
  }
});
