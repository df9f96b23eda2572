// Steps many API tests start from, through HTTP: a customer, an order, an active subscription. Requests
// go through `client(bss)`, which adds the operator's credentials: the one place tests authenticate.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Queryable } from '../../src/store/db.ts';
import { domainTypeOf } from '../../src/events/envelope.ts';
import type { ComposedApp } from './composed-app.ts';
import { customerBody } from './customers.ts';

export type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;

/** inject() as an operator; headers given in `options` win, so a test can send other credentials. */
export function client(bss: ComposedApp): Client {
  return (options) => bss.app.inject({ ...options, headers: { ...bss.as('operator'), ...options.headers } });
}

/** Events appended to the log so far, counted by domain type ('order.placed': 1, …). */
export async function eventCounts(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ type: string; n: number }>(
    // Business events only: admin actions (a replay's start) add audit events on the audit topic.
    `SELECT value::jsonb->>'type' AS type, count(*)::int AS n FROM event_log WHERE topic NOT LIKE '%bss.audit' GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [domainTypeOf(r.type) ?? r.type, r.n]));
}

export async function createCustomer(send: Client, customerId = `cus_${randomUUID()}`): Promise<string> {
  const response = await send({
    method: 'POST',
    url: '/api/v1/customers',
    payload: customerBody(customerId),
  });
  assert.equal(response.statusCode, 201, response.body);
  return customerId;
}

export async function placeOrder(send: Client, customerId: string, planIds: readonly string[]): Promise<string> {
  const response = await send({
    method: 'POST',
    url: '/api/v1/orders',
    payload: { customerId, items: planIds.map((planId) => ({ planId })) },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().orderId;
}

export function orderAction(send: Client, orderId: string, action: string, payload?: object) {
  return send({ method: 'POST', url: `/api/v1/orders/${orderId}/${action}`, ...(payload ? { payload } : {}) });
}

/** A new customer with one ACTIVE subscription to the plan. */
export async function activeSubscription(send: Client, planId = 'basic') {
  const customerId = await createCustomer(send);
  const orderId = await placeOrder(send, customerId, [planId]);
  assert.equal((await orderAction(send, orderId, 'approve')).statusCode, 200);
  const completed = await orderAction(send, orderId, 'complete');
  assert.equal(completed.statusCode, 200, completed.body);
  const subscriptionId: string = completed.json().subscriptionIds[0];
  return { customerId, orderId, subscriptionId };
}
