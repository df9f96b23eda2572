import { Type } from 'typebox';
import { Name, RArray, Speed, Strict, WindowQuery } from './event-replay-common.ts';

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
      members: Type.Integer({ description: 'live members of the group, on any instance' }),
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
