// Before the first order, payment or invoice fixes the account currency, amounts are 0 in the catalog's currency.
import type { catalog, CurrencyCode, CustomerBalance, Money } from '../domain/index.ts';

export interface BalanceView {
  readonly customerId: string;
  readonly currency: CurrencyCode | null;
  readonly invoiced: Money;
  readonly paid: Money;
  readonly refunded: Money;
  readonly credit: Money;
  readonly balance: Money;
}

export function balanceView(state: CustomerBalance, plans: catalog.Catalog): BalanceView {
  const currency = state.currency ?? plans[0]?.versions[0]?.currency ?? 'EUR';
  const money = (amount: number): Money => ({ amount, currency });
  return {
    customerId: state.customerId,
    currency: state.currency,
    invoiced: money(state.invoiced),
    paid: money(state.paid),
    refunded: money(state.refunded),
    credit: money(state.credit),
    balance: money(state.balance),
  };
}
