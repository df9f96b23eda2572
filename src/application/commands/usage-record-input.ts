// One schema for POST /usage and the mediation feed, so the two accept the same records.
import { Type } from 'typebox';
import { ClientId, DateTime, Id, UsageType } from '../../events/schemas.ts';

export const UsageRecordInput = Type.Object(
  {
    recordId: {
      ...ClientId,
      description: 'the CDR id from mediation; a repeated id is a duplicate',
      examples: ['cdr-2026-0001'],
    },
    subscriptionId: Id,
    usageType: UsageType,
    quantity: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'voice: seconds, sms: messages, data: kilobytes',
    }),
    startedAt: DateTime,
  },
  { additionalProperties: false },
);
