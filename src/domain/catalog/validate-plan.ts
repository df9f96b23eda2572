// Checked when a catalog is loaded: wrong catalog data would otherwise surface as wrong bills.

import { requireMoney, type Money } from '../money.ts';
import { invalid } from '../rejection.ts';
import { parseDateTime, toMillis } from '../time.ts';
import type { Plan } from './plan.ts';

export function validatePlan(plan: Plan): Plan {
  const fail = (message: string) => invalid('INVALID_PLAN', `plan ${plan.planId}: ${message}`, 'versions');
  if (plan.planId.trim() === '' || plan.name.trim() === '') throw fail('planId and name are required');
  if (plan.versions.length === 0) throw fail('at least one version is required');
  plan.versions.forEach((v, i) => {
    if (v.version !== i + 1) throw fail(`versions must be numbered 1, 2, 3... in validFrom order`);
    if (parseDateTime(v.validFrom) === undefined) throw fail(`version ${v.version}: bad validFrom`);
    if (v.validTo !== null) {
      if (parseDateTime(v.validTo) === undefined) throw fail(`version ${v.version}: bad validTo`);
      if (toMillis(v.validTo) <= toMillis(v.validFrom)) throw fail(`version ${v.version}: empty validity`);
    }
    const next = plan.versions[i + 1];
    if (next !== undefined && (v.validTo === null || toMillis(v.validTo) !== toMillis(next.validFrom))) {
      throw fail(`version ${v.version} must end exactly where version ${next.version} starts`);
    }
    const prices: [string, Money][] = [
      ['monthlyPrice', v.monthlyPrice],
      ['voicePerMinute', v.tariffs.voicePerMinute],
      ['smsPerMessage', v.tariffs.smsPerMessage],
      ['dataPerMb', v.tariffs.dataPerMb],
    ];
    for (const [name, price] of prices) {
      requireMoney(price, name);
      if (price.currency !== v.currency) throw fail(`version ${v.version}: ${name} is not in ${v.currency}`);
      if (price.amount < 0) throw fail(`version ${v.version}: ${name} is negative`);
    }
  });
  return plan;
}
