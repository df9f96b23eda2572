// A workload for time-travel tests, driven only through the HTTP API with the test clock: customers
// with orders and subscriptions, usage, a bill run, payments (one refunded). After each phase it
// captures the moment (the test clock's time) and every customer's live read model as the API
// shows it; the next phase moves the clock on first, so a moment separates the phases' events.
// Works with inject() (composed app) and with fetch (a service process) through `Send`.
import assert from 'node:assert/strict';
import { balanceView } from '../../src/api/balance-view.ts';
import { catalog } from '../../src/domain/index.ts';

/** The API's JSON, loosely typed: tests assert on it field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export type Sent = { status: number; body: Json };
export type Send = (method: string, path: string, body?: unknown) => Promise<Sent>;

/** What the API shows of one customer: the entity, its balance and its records by id. */
export interface LiveView {
  customer: Record<string, unknown>;
  balance: Record<string, unknown>;
  orders: Record<string, Record<string, unknown>>;
  subscriptions: Record<string, Record<string, unknown>>;
  invoices: Record<string, Record<string, unknown>>;
  payments: Record<string, Record<string, unknown>>;
}

export interface Moment {
  readonly label: string;
  /** The test clock's time when captured: every event of the phases so far is stamped ≤ it. */
  readonly at: string;
  readonly views: Readonly<Record<string, LiveView>>;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Month M-2 relative to today (fully in the past, so it can be billed), at UTC midnight. */
export function billingPeriod(): { from: number; to: number } {
  const now = new Date();
  return {
    from: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1),
    to: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1),
  };
}

async function ok(send: Send, method: string, path: string, body: unknown, status: number): Promise<Json> {
  const sent = await send(method, path, body);
  assert.equal(sent.status, status, `${method} ${path}: ${JSON.stringify(sent.body)}`);
  return sent.body;
}

const byId = (items: Array<Record<string, unknown>>, key: string) =>
  Object.fromEntries(items.map((item) => [String(item[key]), item]));

export async function liveView(send: Send, customerId: string): Promise<LiveView> {
  // Every page: a busy customer (the chaos suite's full profile) has more than one.
  const list = async (resource: string, key: string) => {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    do {
      const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await ok(
        send,
        'GET',
        `/api/v1/${resource}?customerId=${customerId}&limit=200${after}`,
        undefined,
        200,
      );
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return byId(items, key);
  };
  return {
    customer: await ok(send, 'GET', `/api/v1/customers/${customerId}`, undefined, 200),
    balance: await ok(send, 'GET', `/api/v1/customers/${customerId}/balance`, undefined, 200),
    orders: await list('orders', 'orderId'),
    subscriptions: await list('subscriptions', 'subscriptionId'),
    invoices: await list('invoices', 'invoiceId'),
    payments: await list('payments', 'paymentId'),
  };
}

/**
 * The reconstructed CustomerView equals what the API showed: same records, and every field both
 * carry is equal (the API adds derived fields, e.g. a payment's refundable amount).
 */
export function assertSameState(reconstructed: Json, live: LiveView, label: string): void {
  assert.ok(reconstructed, `${label}: no reconstructed view`);
  const same = (a: Record<string, unknown>, b: Record<string, unknown>, what: string) => {
    const common = Object.keys(a).filter((k) => k in b);
    assert.ok(common.length >= 2, `${what}: nothing to compare`);
    assert.deepEqual(
      Object.fromEntries(common.map((k) => [k, a[k]])),
      Object.fromEntries(common.map((k) => [k, b[k]])),
      what,
    );
  };
  same(reconstructed.customer, live.customer, `${label} customer`);
  // Time travel shows the balance read model as folded; the API shows its amounts as Money.
  same({ ...balanceView(reconstructed.balance, catalog.seedPlans) }, live.balance, `${label} balance`);
  for (const kind of ['orders', 'subscriptions', 'invoices', 'payments'] as const) {
    assert.deepEqual(Object.keys(reconstructed[kind]).sort(), Object.keys(live[kind]).sort(), `${label} ${kind} ids`);
    for (const [id, entity] of Object.entries(live[kind]))
      same(reconstructed[kind][id], entity, `${label} ${kind} ${id}`);
  }
}

async function capture(send: Send, label: string, customerIds: readonly string[]): Promise<Moment> {
  const { now } = await ok(send, 'GET', '/api/v1/test-clock', undefined, 200);
  const views: Record<string, LiveView> = {};
  for (const id of customerIds) views[id] = await liveView(send, id);
  return { label, at: now, views };
}

/**
 * Runs the workload for `customers` customers (ids prefixed with `run`); the service's test clock
 * must start at or before billingPeriod().from. Returns the customers and a moment per phase.
 */
export async function runWorkload(send: Send, run: string, customers: number) {
  const { from, to } = billingPeriod();
  const clock = (ms: number) => ok(send, 'PUT', '/api/v1/test-clock', { now: iso(ms) }, 200);
  const ids = Array.from({ length: customers }, (_, i) => `cus_${run}_${i}`);
  const subscriptions: string[] = [];
  const moments: Moment[] = [];

  await clock(from + 9 * DAY);
  for (const [i, customerId] of ids.entries()) {
    await ok(
      send,
      'POST',
      '/api/v1/customers',
      {
        customerId,
        firstName: 'Ada',
        lastName: `Replay ${i}`,
        email: `${customerId}@example.com`,
        address: { line1: 'Main Street 1', city: 'Kraków', postalCode: '30-001', country: 'PL' },
      },
      201,
    );
    const order = await ok(send, 'POST', '/api/v1/orders', { customerId, items: [{ planId: 'basic' }] }, 201);
    await ok(send, 'POST', `/api/v1/orders/${order.orderId}/approve`, {}, 200);
    const completed = await ok(send, 'POST', `/api/v1/orders/${order.orderId}/complete`, {}, 200);
    subscriptions.push(completed.subscriptionIds[0]);
  }
  moments.push(await capture(send, 'subscribed', ids));

  await clock(from + 19 * DAY);
  const records = subscriptions.flatMap((subscriptionId, i) => [
    { recordId: `${run}-v${i}`, subscriptionId, usageType: 'voice', quantity: 60 + i, startedAt: iso(from + 14 * DAY) },
    { recordId: `${run}-s${i}`, subscriptionId, usageType: 'sms', quantity: 2, startedAt: iso(from + 15 * DAY) },
  ]);
  await ok(send, 'POST', '/api/v1/usage', { records }, 202);
  await ok(send, 'PATCH', `/api/v1/customers/${ids[0]}`, { email: `changed-${ids[0]}@example.com` }, 200);
  moments.push(await capture(send, 'usage', ids));

  await clock(to + DAY);
  const period = { from: iso(from).slice(0, 10), to: iso(to).slice(0, 10) };
  await ok(send, 'POST', '/api/v1/billing/runs', { period }, 201);
  moments.push(await capture(send, 'billed', ids));

  await clock(to + 2 * DAY);
  for (const [i, customerId] of ids.entries()) {
    if (i % 2 === 1) continue;
    const payment = await ok(
      send,
      'POST',
      '/api/v1/payments',
      { customerId, amount: { amount: 1000 + i, currency: 'EUR' }, method: 'card' },
      201,
    );
    await ok(send, 'POST', `/api/v1/payments/${payment.paymentId}/capture`, {}, 200);
    if (i === 0) {
      await ok(
        send,
        'POST',
        `/api/v1/payments/${payment.paymentId}/refund`,
        { amount: { amount: 100, currency: 'EUR' } },
        200,
      );
    }
  }
  moments.push(await capture(send, 'paid', ids));
  return { customerIds: ids, moments };
}

/** `Send` over HTTP to a running service, with an API key. */
export function httpSend(baseUrl: string, apiKey: string): Send {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
}
