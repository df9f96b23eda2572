import { Type } from 'typebox';
import { Strict, Time } from './event-replay-common.ts';

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
