import type { Prefetch } from './command-bus.ts';

/** The rows an order or a payment decides on: its customer, share-locked so a concurrent suspension cannot slip
 * between the check and the commit, and the balance that holds the account currency. */
export const customerContextRows = (customerId: string): Prefetch[] => [
  { kind: 'customer', ids: [customerId], lock: 'share' },
  { kind: 'balance', ids: [customerId] },
];
