export * from './commands.ts';
export * from './events.ts';
export * from './state.ts';
export * from './context.ts';
export * from './allocate.ts';
export { decide, type PaymentDecision } from './decide.ts';
export { evolve } from './evolve.ts';
export { payInvoice, type PayInvoice } from './pay-invoice.ts';
