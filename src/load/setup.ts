import { ok, statusOf, type JsonClient, type Reply } from './http.ts';
import type { Target } from './types.ts';

export async function setupCustomers(
  client: JsonClient,
  urls: readonly string[],
  runId: string,
  count: number,
  concurrency: number,
  onSetup?: (done: number, total: number) => void,
): Promise<Target[]> {
  const targets = new Array<Target>(count);
  let next = 0;
  let done = 0;
  const expect = (reply: Reply, what: string): Record<string, unknown> => {
    if (!ok(reply)) throw new Error(`setup: ${what} answered ${statusOf(reply)}: ${JSON.stringify(reply.body)}`);
    return reply.body as Record<string, unknown>;
  };
  // A setup call refused with 503 (admission control) ran nothing: wait as told and send it again.
  const send = async (method: string, url: string, body: unknown): Promise<Reply> => {
    for (let attempt = 1; ; attempt++) {
      const reply = await client.send(method, url, body);
      if (reply.status !== 503 || attempt >= 30) return reply;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * (Number(reply.retryAfter) || 1)));
    }
  };
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const base = urls[i % urls.length] as string;
      const customerId = `ld-${runId}-${i}`;
      expect(
        await send('POST', `${base}/api/v1/customers`, {
          customerId,
          firstName: 'Load',
          lastName: `Customer ${i}`,
          email: `${customerId}@load.example.com`,
          address: { line1: 'ul. Prosta 1', city: 'Warszawa', postalCode: '00-001', country: 'PL' },
        }),
        'POST /customers',
      );
      const order = expect(
        await send('POST', `${base}/api/v1/orders`, { customerId, items: [{ planId: 'basic' }] }),
        'POST /orders',
      );
      const orderId = String(order['orderId']);
      expect(await send('POST', `${base}/api/v1/orders/${orderId}/approve`, {}), 'approve');
      const completed = expect(await send('POST', `${base}/api/v1/orders/${orderId}/complete`, {}), 'complete');
      const subscriptionId = (completed['subscriptionIds'] as string[] | undefined)?.[0];
      if (!subscriptionId) throw new Error(`setup: order ${orderId} completed without a subscription`);
      targets[i] = { customerId, subscriptionId };
      done++;
      onSetup?.(done, count);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return targets;
}
