import type { Catalog } from '../catalog/plan.ts';
import type { CustomerState } from '../customer/state.ts';
import type { CurrencyCode } from '../money.ts';

/**
 * What order decisions need from outside the order, loaded by the caller:
 * the customer (must be ACTIVE to order), the catalog (plans and prices), and
 * the account currency (null until the customer's first order fixes it) so one
 * customer is never billed in two currencies.
 */
export type OrderContext = {
  customer: CustomerState;
  catalog: Catalog;
  accountCurrency: CurrencyCode | null;
};
