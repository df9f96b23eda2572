import { Type } from 'typebox';
import { Name, QueryTime, RArray, Strict, Time, Views, WindowQuery } from './event-replay-common.ts';

export const ReconstructBody = Type.Object(
  {
    topic: Type.Optional(Name),
    targetTime: Type.Optional(Time),
    customerId: Type.Optional(Name),
    relatedTopics: Type.Optional(
      RArray(Name, { maxItems: 20, description: 'accepted for the seed spec; one topic holds every event here' }),
    ),
  },
  { ...Strict, description: 'targetTime defaults to now (the end of the log)' },
);
const Fold = Type.Object({
  partition: Type.Integer(),
  offset: Type.Integer(),
  snapshotOffset: Type.Union([Type.Integer(), Type.Null()]),
  foldedRecords: Type.Integer(),
});
export const Reconstructed = Type.Object({
  topic: Type.String(),
  at: Type.Union([Type.Integer(), Type.Null()]),
  customers: Views,
  partitions: RArray(Fold),
});

export const DiffQuery = Type.Object(
  { topic: Type.Optional(Name), from: QueryTime, to: QueryTime, customerId: Type.Optional(Name) },
  Strict,
);
export const Diff = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  before: Views,
  after: Views,
  changes: RArray(
    Type.Object({
      customerId: Type.String(),
      path: Type.String(),
      before: Type.Optional(Type.Unknown({ description: 'absent: the field did not exist' })),
      after: Type.Optional(Type.Unknown()),
    }),
  ),
  events: RArray(Type.Unknown()),
});

/** The timeline's and histogram's free-text filter. */
export const FreeText = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'free text: records whose CloudEvent JSON contains it, ignoring case',
});
export const TimelineQuery = Type.Object(
  {
    ...WindowQuery,
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'comma-separated types' })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'comma-separated sources' })),
    customerId: Type.Optional(Name),
    q: Type.Optional(FreeText),
    cursor: Type.Optional(Type.String({ maxLength: 100_000 })),
    maxEvents: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    scanLimit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000, description: 'records read at most for this page (10,000)' }),
    ),
  },
  Strict,
);
export const Timeline = Type.Object({
  events: RArray(Type.Unknown()),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  scanned: Type.Integer({
    description: 'records read for this page (at most 10,000): fewer events with a nextCursor = ask again',
  }),
});
