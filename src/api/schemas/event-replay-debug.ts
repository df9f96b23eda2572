import { Type } from 'typebox';
import { PREDICATE_OPS } from '../../replay/index.ts';
import { AtQuery, Filter, Name, RArray, Speed, Strict, Time } from './event-replay-common.ts';

export const BpParams = Type.Object({ id: Name, bp: Name }, Strict);
export const SeekQuery = AtQuery;
export const CustomerQuery = Type.Object({ customerId: Type.Optional(Name) }, Strict);

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
