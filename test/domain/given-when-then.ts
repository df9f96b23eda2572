// One helper for every aggregate's tests:
//
//   given([...past events]).when(command, context?).then([...new events])
//   given([...]).when(command).thenRejects('CODE', { field, kind })
//
// `given` folds the past with the aggregate's own evolve, so the tests also prove
// that evolve builds the state decide expects.

import assert from 'node:assert/strict';
import { DomainRejection, type RejectionKind } from '../../src/domain/rejection.ts';

export type Aggregate<Command, Past, Decided, State, Context> = {
  decide: (command: Command, state: State, context: Context) => Decided[];
  evolve: (state: State, event: Past) => State;
  initialState: State;
};

export type RejectionExpectation = { field?: string; kind?: RejectionKind };

/** Asserts that `run` throws a DomainRejection with the given code (and field/kind when given). */
export function expectRejection(
  run: () => unknown,
  code: string,
  expected: RejectionExpectation = {},
): DomainRejection {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainRejection, `expected DomainRejection ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `rejection code (message: ${caught.message})`);
  if (expected.field !== undefined) assert.equal(caught.field, expected.field, 'rejection field');
  if (expected.kind !== undefined) assert.equal(caught.kind, expected.kind, 'rejection kind');
  return caught;
}

export function specFor<Command, Past, Decided, State, Context>(
  aggregate: Aggregate<Command, Past, Decided, State, Context>,
) {
  return {
    given(past: Past[]) {
      const state = past.reduce(aggregate.evolve, aggregate.initialState);
      return {
        state,
        when(command: Command, context?: Context) {
          const run = () => aggregate.decide(command, state, context as Context);
          return {
            then(expected: Decided[]): void {
              assert.deepStrictEqual(run(), expected);
            },
            /** The command is accepted but is not a new fact (idempotent repeat). */
            thenNothing(): void {
              assert.deepStrictEqual(run(), []);
            },
            thenRejects(code: string, expected: RejectionExpectation = {}): DomainRejection {
              return expectRejection(run, code, expected);
            },
            /** The decided events, for assertions on their content. */
            events(): Decided[] {
              return run();
            },
          };
        },
      };
    },
  };
}
