// "Basic" changes price on 2025-07-01, so tests exercise rating and billing across a tariff change.

import type { CurrencyCode, Money } from '../money.ts';
import type { Plan, Tariffs } from './plan.ts';
import { validatePlan } from './validate-plan.ts';

const m = (amount: number, currency: CurrencyCode): Money => ({ amount, currency });

function tariffs(currency: CurrencyCode, voicePerMinute: number, smsPerMessage: number, dataPerMb: number): Tariffs {
  return {
    voicePerMinute: m(voicePerMinute, currency),
    smsPerMessage: m(smsPerMessage, currency),
    dataPerMb: m(dataPerMb, currency),
  };
}

const plans: Plan[] = [
  {
    planId: 'basic',
    name: 'Basic',
    description: 'Low monthly fee, pay for what you use.',
    versions: [
      {
        version: 1,
        validFrom: '2024-01-01T00:00:00Z',
        validTo: '2025-07-01T00:00:00Z',
        currency: 'EUR',
        monthlyPrice: m(999, 'EUR'), // EUR 9.99
        tariffs: tariffs('EUR', 9, 9, 2), // 0.09/min, 0.09/SMS, 0.02/MB
      },
      {
        version: 2,
        validFrom: '2025-07-01T00:00:00Z',
        validTo: null,
        currency: 'EUR',
        monthlyPrice: m(1099, 'EUR'), // EUR 10.99
        tariffs: tariffs('EUR', 10, 10, 2),
      },
    ],
  },
  {
    planId: 'unlimited-talk',
    name: 'Unlimited Talk',
    description: 'Calls and texts included, data per megabyte.',
    versions: [
      {
        version: 1,
        validFrom: '2024-01-01T00:00:00Z',
        validTo: null,
        currency: 'EUR',
        monthlyPrice: m(1999, 'EUR'), // EUR 19.99
        tariffs: tariffs('EUR', 0, 0, 1),
      },
    ],
  },
  {
    planId: 'business-data',
    name: 'Business Data',
    description: 'For companies: low usage rates, priority support.',
    versions: [
      {
        version: 1,
        validFrom: '2024-01-01T00:00:00Z',
        validTo: null,
        currency: 'EUR',
        monthlyPrice: m(3900, 'EUR'), // EUR 39.00
        tariffs: tariffs('EUR', 5, 5, 1),
      },
    ],
  },
  {
    planId: 'start-pln',
    name: 'Start',
    description: 'Polish market starter plan.',
    versions: [
      {
        version: 1,
        validFrom: '2024-01-01T00:00:00Z',
        validTo: null,
        currency: 'PLN',
        monthlyPrice: m(2999, 'PLN'), // PLN 29.99
        tariffs: tariffs('PLN', 29, 20, 5), // 0.29 zł/min, 0.20 zł/SMS, 0.05 zł/MB
      },
    ],
  },
];

export const seedPlans: readonly Plan[] = plans.map(validatePlan);
