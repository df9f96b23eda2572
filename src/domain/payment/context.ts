import type { CustomerState } from '../customer/state.ts';
import type { Invoice } from '../invoice/state.ts';
import type { CurrencyCode } from '../money.ts';

export type PaymentContext = {
  customer: CustomerState;
  accountCurrency: CurrencyCode | null;
  invoices: readonly Invoice[];
};
