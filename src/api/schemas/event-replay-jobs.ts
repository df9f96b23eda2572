import { Type } from 'typebox';
import { Filter, Name, RArray, Speed, Strict, Time } from './event-replay-common.ts';

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

export const ProgressEvent = Type.Object(
  {
    event: Type.Literal('progress'),
    id: Type.String({ description: 'events processed so far' }),
    data: Type.String({ contentMediaType: 'application/json', description: 'the job, as GET /replay/{id} gives it' }),
  },
  { title: 'ReplayProgressEvent' },
);
