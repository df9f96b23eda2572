// Schemas of /api/v1/event-replay. Times are ISO-8601 text or milliseconds since the epoch; windows
// are [startTime, endTime), states are "at T" (every event stamped ≤ T). Customer views and event
// data are passed through as they are (Type.Unknown), because their shape is the domain's.
import { Type, type TSchema, type TArrayOptions } from 'typebox';
import { MAX_TIME_MS, PREDICATE_OPS, REPLAY_SPEEDS } from '../../replay/index.ts';

/** Arrays the engine hands out are readonly. */
const RArray = <T extends TSchema>(item: T, options?: TArrayOptions) => Type.Immutable(Type.Array(item, options));

const Name = Type.String({ minLength: 1, maxLength: 200 });
// format replay-time (plugins/validation.ts): RFC 3339 date-time, ISO-8601 date, or integer epoch ms
// with |ms| ≤ 8.64e15 (what a Date can hold), so an impossible time is a 400 naming the field.
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
const QueryTime = TimeText;
export const Speed = Type.Union(
  REPLAY_SPEEDS.map((s) => Type.Literal(s)),
  { description: 'REAL_TIME ×1, FAST ×10, ULTRA_FAST ×100, MAX (no waiting), STEP_BY_STEP (only /step)' },
);
const Views = Type.Record(Type.String(), Type.Unknown(), { description: 'customer views by customer id' });
const Strict = { additionalProperties: false } as const;

export const TopicParam = Type.Object({ topic: Name }, Strict);
export const BpParams = Type.Object({ id: Name, bp: Name }, Strict);
export const StepQuery = Type.Object({ n: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) }, Strict);
export const AtQuery = Type.Object({ time: QueryTime }, Strict);
export const SeekQuery = AtQuery;
export const CustomerQuery = Type.Object({ customerId: Type.Optional(Name) }, Strict);

const PartitionInfo = Type.Object({
  partition: Type.Integer(),
  earliest: Type.Integer(),
  latest: Type.Integer(),
  count: Type.Integer(),
  firstTimestamp: Type.Union([Type.Integer(), Type.Null()]),
  lastTimestamp: Type.Union([Type.Integer(), Type.Null()]),
});
export const TopicOffsets = Type.Object({
  topic: Type.String(),
  partitions: RArray(PartitionInfo),
  count: Type.Integer(),
});
export const AllOffsets = Type.Object({
  topics: RArray(TopicOffsets),
  groups: RArray(
    Type.Object({
      group: Type.String(),
      topic: Type.String(),
      partitions: RArray(
        Type.Object({
          partition: Type.Integer(),
          committed: Type.Union([Type.Integer(), Type.Null()]),
          end: Type.Integer(),
          lag: Type.Integer(),
        }),
      ),
    }),
  ),
});
export const OffsetsAtTime = Type.Object({
  topic: Type.String(),
  time: Type.Integer(),
  partitions: RArray(Type.Object({ partition: Type.Integer(), offset: Type.Integer(), atEnd: Type.Boolean() })),
});

const WindowQuery = {
  topic: Type.Optional(Name),
  startTime: Type.Optional(QueryTime),
  endTime: Type.Optional(QueryTime),
};
export const CountQuery = Type.Object({ ...WindowQuery, customerId: Type.Optional(Name) }, Strict);
export const Count = Type.Object({
  topic: Type.String(),
  startTime: Type.Union([Type.Integer(), Type.Null()]),
  endTime: Type.Union([Type.Integer(), Type.Null()]),
  customerId: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer(),
});
export const EstimateQuery = Type.Object({ ...WindowQuery, speed: Type.Optional(Speed) }, Strict);
export const Estimate = Type.Object({
  topic: Type.String(),
  events: Type.Integer(),
  spanMs: Type.Integer(),
  speed: Type.String(),
  estimatedMs: Type.Union([Type.Number(), Type.Null()]),
  warning: Type.Union([Type.String(), Type.Null()], { description: 'set when the estimate is over a day' }),
});

const Filter = Type.Object(
  {
    types: Type.Optional(RArray(Name, { maxItems: 100 })),
    customerId: Type.Optional(Name),
    sources: Type.Optional(RArray(Name, { maxItems: 100 })),
  },
  Strict,
);
const ReplayOptions = {
  speed: Type.Optional(Speed),
  ignoreErrors: Type.Optional(Type.Boolean()),
  parallelProcessing: Type.Optional(Type.Boolean({ description: 'MAX only: partitions concurrently' })),
  validateEvents: Type.Optional(Type.Boolean()),
};
const ReplayTarget = Type.Union(
  [
    Type.Object({ kind: Type.Literal('sandbox') }, Strict),
    Type.Object({ kind: Type.Literal('handlers'), names: RArray(Name, { minItems: 1, maxItems: 50 }) }, Strict),
    Type.Object({ kind: Type.Literal('topic'), topic: Name }, Strict),
  ],
  { description: 'default sandbox: folded in memory, nothing written' },
);
export const ReplayBody = Type.Object(
  {
    topic: Type.Optional(Name),
    startTime: Type.Optional(Time),
    endTime: Type.Optional(Time),
    filter: Type.Optional(Filter),
    customerId: Type.Optional(Name),
    target: Type.Optional(ReplayTarget),
    ...ReplayOptions,
    options: Type.Optional(Type.Object(ReplayOptions, Strict)),
  },
  {
    ...Strict,
    description:
      'The seed spec shape {topic, startTime, endTime, options: {speed, ignoreErrors, parallelProcessing}} or the ' +
      'same options flat; options win. topic defaults to the live topic, target to sandbox, speed to MAX.',
  },
);

export const Job = Type.Object(
  {
    id: Type.String(),
    status: Type.String(),
    progress: Type.Object({ processed: Type.Integer(), total: Type.Integer(), percent: Type.Number() }),
    delivered: Type.Integer(),
    filtered: Type.Integer(),
    countsByType: Type.Record(Type.String(), Type.Integer()),
    errorCount: Type.Integer(),
    errors: RArray(
      Type.Object({
        partition: Type.Integer(),
        offset: Type.Integer(),
        type: Type.Union([Type.String(), Type.Null()]),
        message: Type.String(),
      }),
    ),
    throughput: Type.Number(),
    startedAt: Type.Union([Type.String(), Type.Null()]),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
    failure: Type.Union([Type.String(), Type.Null()]),
    skippedHandlers: RArray(Type.String()),
    estimatedMs: Type.Union([Type.Number(), Type.Null()], { description: 'the duration estimated at the start' }),
    warning: Type.Union([Type.String(), Type.Null()], {
      description: 'set when the estimate is over a day: paced speeds wait out the quiet gaps',
    }),
  },
  { title: 'ReplayJob' },
);
export const Jobs = Type.Object({ items: RArray(Job) });

/** One server-sent event of GET /replay/{id}/events, as an SSE client parses it. */
export const ProgressEvent = Type.Object(
  {
    event: Type.Literal('progress'),
    id: Type.String({ description: 'events processed so far' }),
    data: Type.String({ contentMediaType: 'application/json', description: 'the job, as GET /replay/{id} gives it' }),
  },
  { title: 'ReplayProgressEvent' },
);

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

export const SnapshotBody = Type.Object({ group: Name, topic: Type.Optional(Name), name: Type.Optional(Name) }, Strict);
export const OffsetSnapshot = Type.Object({
  id: Type.String(),
  name: Type.String(),
  group: Type.String(),
  topic: Type.String(),
  offsets: RArray(Type.Object({ partition: Type.Integer(), committed: Type.Union([Type.Integer(), Type.Null()]) })),
  createdAt: Type.String(),
});
export const SnapshotsQuery = Type.Object({ group: Type.Optional(Name), topic: Type.Optional(Name) }, Strict);
export const OffsetSnapshots = Type.Object({ items: RArray(OffsetSnapshot) });

export const RestoreBody = Type.Object(
  {
    group: Name,
    topic: Type.Optional(Name),
    to: Type.Union([
      Type.Object({ snapshotId: Name }, Strict),
      Type.Object({ time: Time }, Strict),
      Type.Object({ position: Type.Union([Type.Literal('earliest'), Type.Literal('latest')]) }, Strict),
    ]),
    dryRun: Type.Optional(Type.Boolean()),
  },
  Strict,
);
export const RestorePlan = Type.Object({
  group: Type.String(),
  topic: Type.String(),
  dryRun: Type.Boolean(),
  partitions: RArray(
    Type.Object({
      partition: Type.Integer(),
      before: Type.Union([Type.Integer(), Type.Null()]),
      after: Type.Integer(),
      redelivered: Type.Integer(),
      skipped: Type.Integer(),
    }),
  ),
  redelivered: Type.Integer(),
  skipped: Type.Integer(),
});

const BreakpointSpec = Type.Union([
  Type.Object({ kind: Type.Literal('type'), type: Name }, Strict),
  Type.Object(
    {
      kind: Type.Literal('state'),
      path: Name,
      op: Type.Union(PREDICATE_OPS.map((o) => Type.Literal(o))),
      value: Type.Optional(Type.Unknown()),
      customerId: Type.Optional(Name),
    },
    Strict,
  ),
]);
export const BreakpointBody = BreakpointSpec;
export const Breakpoint = Type.Record(Type.String(), Type.Unknown(), { description: 'the spec plus its id' });
export const OpenSessionBody = Type.Object(
  {
    topic: Type.Optional(Name),
    at: Type.Optional(Time),
    filter: Type.Optional(Filter),
    breakpoints: Type.Optional(RArray(BreakpointSpec, { maxItems: 100 })),
  },
  Strict,
);
export const Session = Type.Object({
  id: Type.String(),
  topic: Type.String(),
  filter: Type.Unknown(),
  time: Type.Union([Type.Integer(), Type.Null()]),
  cursor: Type.Record(Type.String(), Type.Integer()),
  customers: Type.Integer(),
  breakpoints: RArray(Breakpoint),
  expiresAt: Type.String(),
});
export const StepResult = Type.Object({
  events: RArray(Type.Unknown()),
  hit: RArray(Breakpoint),
  atEnd: Type.Boolean(),
  session: Session,
});
export const SessionState = Type.Object({ session: Session, state: Type.Unknown() });
export const ControlledReplayBody = Type.Object(
  { sessionId: Name, from: Type.Optional(Time), until: Type.Optional(Time), speed: Speed },
  Strict,
);
export const RebuildBody = Type.Union(
  [Type.Null(), Type.Object({ until: Type.Optional(Time), swap: Type.Optional(Type.Boolean()) }, Strict)],
  {
    description:
      'until: fold only events up to then, into <table>_shadow only (never swapped in); swap (default true ' +
      'without until, false with it): false leaves <table>_shadow; until with swap true is refused (400)',
  },
);
export const RebuildResult = Type.Object({
  events: Type.Integer(),
  rows: Type.Record(Type.String(), Type.Integer()),
  swapped: Type.Boolean(),
  offsets: Type.Record(Type.String(), Type.Integer()),
});
