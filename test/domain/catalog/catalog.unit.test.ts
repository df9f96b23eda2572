import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  findPlan,
  planVersionAt,
  requirePlanVersionAt,
  seedPlans,
  validatePlan,
  type Plan,
} from '../../../src/domain/catalog/index.ts';
import { expectRejection } from '../given-when-then.ts';

const basic = findPlan(seedPlans, 'basic')!;

describe('catalog: seed', () => {
  it('has 3-4 valid plans, one in PLN, one with two versions', () => {
    assert.ok(seedPlans.length >= 3 && seedPlans.length <= 4);
    assert.ok(seedPlans.some((p) => p.versions.some((v) => v.currency === 'PLN')));
    assert.equal(basic.versions.length, 2);
    for (const plan of seedPlans) assert.equal(validatePlan(plan), plan);
  });

  it('prices Basic at EUR 9.99 until 2025-07-01 and EUR 10.99 after', () => {
    assert.deepEqual(planVersionAt(basic, '2025-06-30T23:59:59Z')?.monthlyPrice, { amount: 999, currency: 'EUR' });
    assert.deepEqual(planVersionAt(basic, '2025-07-01T00:00:00Z')?.monthlyPrice, { amount: 1099, currency: 'EUR' });
  });
});

describe('catalog: planVersionAt', () => {
  it('treats validFrom as inclusive and validTo as exclusive, comparing instants not text', () => {
    assert.equal(planVersionAt(basic, '2024-01-01T00:00:00Z')?.version, 1);
    assert.equal(planVersionAt(basic, '2025-07-01T00:00:00Z')?.version, 2);
    // 01:59 in +02:00 is still June 30th 23:59 UTC.
    assert.equal(planVersionAt(basic, '2025-07-01T01:59:00+02:00')?.version, 1);
    assert.equal(planVersionAt(basic, '2023-12-31T23:59:59Z'), undefined);
    assert.equal(planVersionAt(basic, '2099-01-01T00:00:00Z')?.version, 2);
  });

  it('requirePlanVersionAt rejects unknown plans and plans not yet available', () => {
    assert.equal(requirePlanVersionAt(seedPlans, 'basic', '2025-01-01T00:00:00Z').version.version, 1);
    expectRejection(
      () => requirePlanVersionAt(seedPlans, 'gold', '2025-01-01T00:00:00Z', 'items[0].planId'),
      'UNKNOWN_PLAN',
      {
        field: 'items[0].planId',
        kind: 'invalid',
      },
    );
    expectRejection(() => requirePlanVersionAt(seedPlans, 'basic', '2020-01-01T00:00:00Z'), 'PLAN_NOT_AVAILABLE', {
      field: 'planId',
    });
  });
});

describe('catalog: validatePlan', () => {
  const broken = (change: (plan: Plan) => void): Plan => {
    const plan = structuredClone(basic);
    change(plan);
    return plan;
  };

  const cases: [string, (plan: Plan) => void][] = [
    ['no versions', (p) => void (p.versions = [])],
    ['a gap between versions', (p) => void (p.versions[0]!.validTo = '2025-06-01T00:00:00Z')],
    ['an open version before another', (p) => void (p.versions[0]!.validTo = null)],
    ['misnumbered versions', (p) => void (p.versions[1]!.version = 3)],
    ['a bad validFrom', (p) => void (p.versions[0]!.validFrom = '2024-02-30T00:00:00Z')],
    ['a price in another currency', (p) => void (p.versions[1]!.tariffs.dataPerMb.currency = 'USD')],
    ['a negative price', (p) => void (p.versions[1]!.monthlyPrice.amount = -1)],
    ['a fractional price', (p) => void (p.versions[1]!.monthlyPrice.amount = 10.5)],
    ['an empty name', (p) => void (p.name = ' ')],
  ];
  for (const [name, change] of cases) {
    it(`rejects ${name}`, () => {
      const error = expectRejection(
        () => validatePlan(broken(change)),
        name === 'a fractional price' ? 'INVALID_AMOUNT' : 'INVALID_PLAN',
      );
      assert.equal(error.kind, 'invalid');
    });
  }
});
