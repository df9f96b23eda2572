// A customer's history through the real service's HTTP API, with a moment T in the middle: created
// with an active subscription and rated usage before T; a captured payment and a suspension after it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

export type Http = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** A client as the API asks: a 503 refusal (overload: nothing was done) is tried again after Retry-After. */
export function http(baseUrl: string, headers: Record<string, string>): Http {
  return async <T>(method: string, path: string, body?: unknown) => {
    const send = () =>
      fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    let response = await send();
    for (let retry = 0; response.status === 503 && retry < 10; retry++) {
      await response.text(); // read, so the connection is free again
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
      response = await send();
    }
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

export interface Seeded {
  readonly customerId: string;
  /** A whole second (ms) after the first half of the history and before the second. */
  readonly middle: number;
}

export async function seedHistory(call: Http, customerId: string): Promise<Seeded> {
  await call('POST', '/customers', {
    customerId,
    firstName: 'Maria',
    lastName: 'Rossi',
    email: `maria.rossi+${customerId}@example.com`,
    address: { line1: 'Via Roma 1', city: 'Milano', postalCode: '20121', country: 'IT' },
  });
  const order = await call<{ orderId: string }>('POST', '/orders', { customerId, items: [{ planId: 'basic' }] });
  await call('POST', `/orders/${order.orderId}/approve`);
  const completed = await call<{ subscriptionIds: string[] }>('POST', `/orders/${order.orderId}/complete`);
  await call('POST', '/usage', {
    records: [
      {
        recordId: `${customerId}-cdr-1`,
        subscriptionId: completed.subscriptionIds[0],
        usageType: 'voice',
        quantity: 120,
        startedAt: new Date().toISOString(),
      },
    ],
  });
  // The next whole second is T: everything above is stamped before it, everything below after it.
  const middle = Math.ceil((Date.now() + 1) / 1000) * 1000;
  await sleep(middle - Date.now() + 200);
  const payment = await call<{ paymentId: string }>('POST', '/payments', {
    customerId,
    amount: { amount: 2500, currency: 'EUR' },
    method: 'card',
  });
  await call('POST', `/payments/${payment.paymentId}/capture`);
  await call('POST', `/customers/${customerId}/suspend`, { reason: 'console test' });
  return { customerId, middle };
}
