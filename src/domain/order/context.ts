import type { Catalog } from '../catalog/plan.ts';
import type { CustomerState } from '../customer/state.ts';
import type { CurrencyCode } from '../money.ts';

/** The account currency is null until the first order fixes it, so a customer is never billed in two. */
export type OrderContext = {
  customer: CustomerState;
  catalog: Catalog;
  accountCurrency: CurrencyCode | null;
};
