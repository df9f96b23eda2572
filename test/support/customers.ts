// The customer the tests set up again and again, in one place: a valid POST /api/v1/customers body
// (also the use case's input) and a customer with one ACTIVE subscription made through the use cases.
import { randomUUID } from 'node:crypto';
import type { Application } from '../../src/application/services.ts';

export const customerBody = (customerId: string, firstName = 'Anna') => ({
  customerId,
  firstName,
  lastName: 'Kowalska',
  email: `${customerId}@example.com`,
  address: { line1: 'Hauptstraße 1', city: 'Wien', postalCode: '1010', country: 'AT' },
});

/** A new customer with one order for `planId` placed, approved and completed: its subscription is ACTIVE. */
export async function customerWithSubscription(
  app: Pick<Application, 'customers' | 'orders'>,
  planId = 'basic',
): Promise<{ customerId: string; subscriptionId: string }> {
  const customerId = await app.customers.create(customerBody(`cus_${randomUUID()}`));
  const orderId = await app.orders.place({ orderId: `ord_${randomUUID()}`, customerId, items: [{ planId }] });
  await app.orders.approve(orderId);
  const [subscriptionId] = (await app.orders.complete(orderId)) as [string];
  return { customerId, subscriptionId };
}
