import type { CustomerState } from '../customer/state.ts';
import type { Invoice } from '../invoice/state.ts';
import type { CurrencyCode } from '../money.ts';

/**
 * Loaded by the caller: the paying customer (must exist), the account currency
 * (null while the customer has none) and the customer's invoices (decide picks
 * the open ones and applies captured money to them, oldest first).
 */
export type PaymentContext = {
  customer: CustomerState;
  accountCurrency: CurrencyCode | null;
  invoices: readonly Invoice[];
};
