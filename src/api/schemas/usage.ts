import { Type } from 'typebox';
import { DateTime, Id, Money, TariffUnit, UsageType, UsageUnit } from '../../events/schemas.ts';
import { MAX_USAGE_BATCH } from '../../application/commands/usage.ts';
import { UsageRecordInput } from '../../application/commands/usage-record-input.ts';
import { ErrorCodeSchema, ITEMS_JUDGED_ONE_BY_ONE } from './common.ts';

export const IngestUsageBody = Type.Object(
  {
    records: Type.Array(UsageRecordInput, {
      minItems: 1,
      maxItems: MAX_USAGE_BATCH,
      description: `at most ${MAX_USAGE_BATCH} records per request`,
      [ITEMS_JUDGED_ONE_BY_ONE]: true,
    }),
  },
  { additionalProperties: false },
);

const Outcome = Type.Union([
  Type.Literal('RATED'),
  Type.Literal('REJECTED'),
  Type.Literal('DUPLICATE'),
  Type.Literal('INVALID'),
]);

export const UsageResult = Type.Object({
  recordId: Type.String(),
  status: Outcome,
  amount: Type.Optional(Money),
  reason: Type.Optional(
    Type.Object({ code: ErrorCodeSchema, message: Type.String(), field: Type.Optional(Type.String()) }),
  ),
});

export const IngestUsageResponse = Type.Object({
  accepted: Type.Integer({ description: 'rated and recorded' }),
  rejected: Type.Integer({ description: 'recorded as rejected: the subscription was not active at startedAt' }),
  invalid: Type.Integer({ description: 'refused, nothing recorded (e.g. unknown subscription)' }),
  duplicates: Type.Integer({ description: 'recordId already recorded, nothing new' }),
  results: Type.Array(UsageResult, { description: 'one per record, in request order' }),
});

export const UsageStatus = Type.Union([Type.Literal('RATED'), Type.Literal('REJECTED')]);

const recorded = {
  recordId: Id,
  subscriptionId: Id,
  customerId: Id,
  usageType: UsageType,
  quantity: Type.Integer(),
  unit: UsageUnit,
  startedAt: DateTime,
  at: { ...DateTime, description: 'when it was ingested' },
};

export const UsageRecord = Type.Union([
  Type.Object({
    status: Type.Literal('RATED'),
    ...recorded,
    planId: Id,
    planVersion: Type.Integer(),
    tariff: Money,
    tariffUnit: TariffUnit,
    amount: Money,
  }),
  Type.Object({
    status: Type.Literal('REJECTED'),
    ...recorded,
    reason: Type.Object({ code: Type.String(), message: Type.String() }),
  }),
]);
