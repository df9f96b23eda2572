// Conditions are data, never code to evaluate, and break when they BECOME true, so a lasting state stops once.
import type { CustomerView, DomainEvent } from '../../domain/index.ts';
import { domainTypeOf } from '../../events/envelope.ts';
import { knownEventType } from '../shared/filter.ts';
import { badReplayRequest } from '../shared/errors.ts';

export const PREDICATE_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'exists', 'missing'] as const;
export type PredicateOp = (typeof PREDICATE_OPS)[number];

export type BreakpointSpec =
  | { readonly kind: 'type'; readonly type: string }
  | {
      readonly kind: 'state';
      /** Dotted path into the CustomerView, e.g. 'balance.balance'. */
      readonly path: string;
      readonly op: PredicateOp;
      readonly value?: unknown;
      readonly customerId?: string;
    };

export type Breakpoint = BreakpointSpec & { readonly id: string };

export function checkBreakpoint(spec: BreakpointSpec): void {
  if (spec.kind === 'type') {
    if (typeof spec.type !== 'string' || spec.type === '') throw badReplayRequest('a type breakpoint needs a type');
    knownEventType(spec.type, '/body/type');
    return;
  }
  if (spec.kind !== 'state') throw badReplayRequest('a breakpoint is of kind type or state');
  if (typeof spec.path !== 'string' || !/^[^.]+(\.[^.]+)*$/.test(spec.path))
    throw badReplayRequest('a state breakpoint needs a dotted path');
  if (!PREDICATE_OPS.includes(spec.op)) throw badReplayRequest(`op is one of ${PREDICATE_OPS.join(', ')}`);
}

/** Own properties only. */
export function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function holds(view: CustomerView, spec: Extract<BreakpointSpec, { kind: 'state' }>): boolean {
  const actual = valueAt(view, spec.path);
  const expected = spec.value;
  switch (spec.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'missing':
      return actual === undefined || actual === null;
    case 'eq':
      return JSON.stringify(actual) === JSON.stringify(expected);
    case 'ne':
      return JSON.stringify(actual) !== JSON.stringify(expected);
    default: {
      // Order only between two numbers or two strings: anything else never holds.
      const comparable =
        (typeof actual === 'number' && typeof expected === 'number') ||
        (typeof actual === 'string' && typeof expected === 'string');
      if (!comparable) return false;
      const a = actual as number | string;
      const b = expected as number | string;
      return spec.op === 'lt' ? a < b : spec.op === 'lte' ? a <= b : spec.op === 'gt' ? a > b : a >= b;
    }
  }
}

export function hits(
  breakpoints: Iterable<Breakpoint>,
  event: DomainEvent,
  before: CustomerView,
  after: CustomerView,
): Breakpoint[] {
  const hit: Breakpoint[] = [];
  for (const bp of breakpoints) {
    if (bp.kind === 'type') {
      if ((domainTypeOf(bp.type) ?? bp.type) === event.type) hit.push(bp);
    } else if (bp.customerId === undefined || bp.customerId === event.data.customerId) {
      if (!holds(before, bp) && holds(after, bp)) hit.push(bp);
    }
  }
  return hit;
}
