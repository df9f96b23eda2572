export * from './plan.ts';
export * from './plan-version-at.ts';
export * from './validate-plan.ts';
export * from './seed.ts';
