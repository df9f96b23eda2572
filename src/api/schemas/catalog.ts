import { Type } from 'typebox';
import { CurrencyCode, DateTime, Id, Money, Nullable } from '../../events/schemas.ts';

export const Tariffs = Type.Object(
  {
    voicePerMinute: { ...Money, description: 'price of one minute, billed per second' },
    smsPerMessage: { ...Money, description: 'price of one message' },
    dataPerMb: { ...Money, description: 'price of one megabyte (1024 KB), billed per kilobyte' },
  },
  { title: 'Tariffs' },
);

export const PlanVersion = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    validFrom: { ...DateTime, description: 'inclusive' },
    validTo: Nullable({ ...DateTime, description: 'exclusive; null = open-ended' }),
    currency: CurrencyCode,
    monthlyPrice: Money,
    tariffs: Tariffs,
  },
  { title: 'PlanVersion' },
);

export const Plan = Type.Object(
  {
    planId: Id,
    name: Type.String(),
    description: Type.String(),
    versions: Type.Array(PlanVersion, { description: 'ordered by validFrom; prices in integer minor units' }),
  },
  { title: 'Plan' },
);

export const PlanList = Type.Object({ items: Type.Array(Plan) });
