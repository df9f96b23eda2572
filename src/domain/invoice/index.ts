export * from './period.ts';
export * from './lines.ts';
export * from './pro-rating.ts';
export * from './commands.ts';
export * from './events.ts';
export * from './state.ts';
export * from './bill-customer.ts';
export { decide } from './decide.ts';
export { evolve, type InvoiceFoldEvent } from './evolve.ts';
