import { Type } from 'typebox';
import { Name, RArray, Strict, Time } from './event-replay-common.ts';

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
