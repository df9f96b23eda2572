export * as catalog from './catalog/index.ts';
export * as customer from './customer/index.ts';
export * as order from './order/index.ts';
export * as subscription from './subscription/index.ts';
export * as usage from './usage/index.ts';
export * as invoice from './invoice/index.ts';
export * as payment from './payment/index.ts';

export * from './money.ts';
export * from './rejection.ts';
export * from './rounding.ts';
export * from './time.ts';
export * from './events.ts';
export * from './balance.ts';
export * from './customer-view.ts';
export { billCustomer, type BillCustomerInput } from './invoice/bill-customer.ts';
