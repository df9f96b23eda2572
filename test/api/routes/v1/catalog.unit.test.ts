import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog } from '../../../../src/domain/index.ts';
import { composedAppPerFile } from '../../../support/composed-app.ts';
import { client } from '../../../support/journeys.ts';

const bss = composedAppPerFile();
const send = client(bss);

test('GET /catalog/plans lists every plan with its versions, prices in minor units', async () => {
  const response = await send({ method: 'GET', url: '/api/v1/catalog/plans' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { items: catalog.seedPlans });
  const basic = response.json().items.find((p: { planId: string }) => p.planId === 'basic');
  assert.deepEqual(basic.versions[0].monthlyPrice, { amount: 999, currency: 'EUR' });
  assert.equal(basic.versions[0].validTo, basic.versions[1].validFrom);
});

test('GET /catalog/plans/:id answers one plan, or 404', async () => {
  const plan = await send({ method: 'GET', url: '/api/v1/catalog/plans/start-pln' });
  assert.equal(plan.statusCode, 200);
  assert.deepEqual(plan.json(), catalog.findPlan(catalog.seedPlans, 'start-pln'));
  const missing = await send({ method: 'GET', url: '/api/v1/catalog/plans/gold' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'NOT_FOUND');
});

test('the catalog needs credentials like every /api/v1 route', async () => {
  const response = await bss.app.inject({ method: 'GET', url: '/api/v1/catalog/plans' });
  assert.equal(response.statusCode, 401);
});
