import type { ReadModelKind } from '../read-model/tables.ts';
import type { UnitOfWork } from '../read-model/unit-of-work.ts';
import type { Prefetch } from './command-bus.ts';

/** The rows an order or a payment decides on: its customer, share-locked so a concurrent suspension cannot slip
 * between the check and the commit, and the balance that holds the account currency. */
export const customerContextRows = (customerId: string): Prefetch[] => [
  { kind: 'customer', ids: [customerId], lock: 'share' },
  { kind: 'balance', ids: [customerId] },
];

/** The balance a captured, refunded or applied payment or a cancelled invoice moves. */
export const balanceRows = (customerId: string): Prefetch[] => [{ kind: 'balance', ids: [customerId] }];

/** A prefetchThen: `rows` of the customer a prefetched row (an order, a payment, an invoice) belongs to. */
export const rowsOfOwner =
  (kind: ReadModelKind, id: string, rows: (customerId: string) => Prefetch[]) =>
  (uow: Pick<UnitOfWork, 'peek'>): Prefetch[] => {
    const owner = uow.peek<{ customerId: string }>(kind, id)?.state?.customerId;
    return owner ? rows(owner) : [];
  };
