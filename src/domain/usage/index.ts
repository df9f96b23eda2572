export * from './usage-type.ts';
export * from './rating.ts';
export * from './commands.ts';
export * from './events.ts';
export * from './state.ts';
export * from './context.ts';
export { decide } from './decide.ts';
export { evolve } from './evolve.ts';
