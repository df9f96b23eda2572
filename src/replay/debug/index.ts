export { createDebugSessions, type DebugSessions } from './debug-sessions.ts';
export {
  type DebugSession,
  type OpenSessionOptions,
  type SessionInfo,
  type StepResult,
  type SessionEvent,
} from './debug-session.ts';
export { PREDICATE_OPS, type BreakpointSpec, type Breakpoint, type PredicateOp } from './breakpoints.ts';
