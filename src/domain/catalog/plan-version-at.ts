import { invalid } from '../rejection.ts';
import { toMillis } from '../time.ts';
import type { Catalog, Plan, PlanVersion } from './plan.ts';

export function findPlan(catalog: Catalog, planId: string): Plan | undefined {
  return catalog.find((plan) => plan.planId === planId);
}

/** validFrom <= at < validTo. */
export function planVersionAt(plan: Plan, at: string): PlanVersion | undefined {
  const t = toMillis(at);
  return plan.versions.find((v) => toMillis(v.validFrom) <= t && (v.validTo === null || t < toMillis(v.validTo)));
}

export function requirePlanVersionAt(
  catalog: Catalog,
  planId: string,
  at: string,
  field = 'planId',
): { plan: Plan; version: PlanVersion } {
  const plan = findPlan(catalog, planId);
  if (plan === undefined) throw invalid('UNKNOWN_PLAN', `unknown plan ${planId}`, field, { planId });
  const version = planVersionAt(plan, at);
  if (version === undefined) {
    throw invalid('PLAN_NOT_AVAILABLE', `plan ${planId} has no version in force at ${at}`, field, { planId, at });
  }
  return { plan, version };
}
