// Customer views and event data are Type.Unknown: their shape is the domain's.
import { Type, type TSchema, type TArrayOptions } from 'typebox';
import { MAX_TIME_MS, REPLAY_SPEEDS } from '../../replay/index.ts';

export const RArray = <T extends TSchema>(item: T, options?: TArrayOptions) =>
  Type.Immutable(Type.Array(item, options));

export const Name = Type.String({ minLength: 1, maxLength: 200 });
// format replay-time (plugins/validation.ts): an impossible time is a 400 naming the field.
const TimeText = Type.String({
  format: 'replay-time',
  minLength: 1,
  maxLength: 40,
  description: 'RFC 3339 date-time, ISO-8601 date (UTC midnight) or integer ms since the epoch',
  examples: ['2026-11-24T10:00:00Z'],
});
export const Time = Type.Union(
  [TimeText, Type.Integer({ minimum: -MAX_TIME_MS, maximum: MAX_TIME_MS, description: 'ms since the epoch' })],
  { description: 'RFC 3339 date-time, ISO-8601 date or integer milliseconds since the epoch' },
);
export const QueryTime = TimeText;
export const Speed = Type.Union(
  REPLAY_SPEEDS.map((s) => Type.Literal(s)),
  { description: 'REAL_TIME ×1, FAST ×10, ULTRA_FAST ×100, MAX (no waiting), STEP_BY_STEP (only /step)' },
);
export const Views = Type.Record(Type.String(), Type.Unknown(), { description: 'customer views by customer id' });
export const Strict = { additionalProperties: false } as const;

export const TopicParam = Type.Object({ topic: Name }, Strict);
export const StepQuery = Type.Object({ n: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) }, Strict);
export const AtQuery = Type.Object({ time: QueryTime }, Strict);

export const WindowQuery = {
  topic: Type.Optional(Name),
  startTime: Type.Optional(QueryTime),
  endTime: Type.Optional(QueryTime),
};

export const Filter = Type.Object(
  {
    types: Type.Optional(RArray(Name, { maxItems: 100 })),
    customerId: Type.Optional(Name),
    sources: Type.Optional(RArray(Name, { maxItems: 100 })),
  },
  Strict,
);
