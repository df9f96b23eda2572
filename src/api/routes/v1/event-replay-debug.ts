// Debug sessions: a cursor in the log with the state reconstructed there; idle sessions expire.
import { Type, type Static } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { IdParam, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { NoBody } from '../../schemas/no-body.ts';
import { StepQuery } from '../../schemas/event-replay-common.ts';
import {
  BpParams,
  Breakpoint,
  BreakpointBody,
  ControlledReplayBody,
  CustomerQuery,
  OpenSessionBody,
  SeekQuery,
  Session,
  SessionState,
  StepResult,
} from '../../schemas/event-replay-debug.ts';
import { Job } from '../../schemas/event-replay-jobs.ts';
import { notFound } from '../../../errors.ts';
import type { BreakpointSpec, DebugSessions } from '../../../replay/index.ts';
import { admin, time, type EventReplayServices, type SessionRuns } from './event-replay-services.ts';

const tags = ['event replay: debug sessions'];
const NoContent = Type.Null({ description: 'no content' });

export function debugSessionRoutes(replay: EventReplayServices, sessionRuns: SessionRuns) {
  const sessions = replay.service.sessions;
  return async function routes(api: ApiApp): Promise<void> {
    await api.register(sessionRoutes(sessions, replay.liveTopic));
    await api.register(cursorRoutes(sessions));
    await api.register(breakpointRoutes(sessions));
    await api.register(controlledReplayRoutes(sessions, sessionRuns));
  };
}

async function open(sessions: DebugSessions, liveTopic: string, body: Static<typeof OpenSessionBody>) {
  const { topic = liveTopic, filter, breakpoints } = body;
  const at = time(body.at);
  return sessions.open({
    topic,
    ...(at !== undefined ? { at } : {}),
    ...(filter ? { filter } : {}),
    ...(breakpoints ? { breakpoints: breakpoints as BreakpointSpec[] } : {}),
  });
}

async function step(sessions: DebugSessions, id: string, n: number) {
  const session = sessions.get(id);
  const result = await session.step(n);
  return { ...result, session: session.info() };
}

async function seek(sessions: DebugSessions, id: string, at: string) {
  const session = sessions.get(id);
  await session.seek(time(at) as string | number);
  return session.info();
}

function state(sessions: DebugSessions, id: string, customerId: string | undefined) {
  const session = sessions.get(id);
  return { session: session.info(), state: session.state(customerId) };
}

function sessionRoutes(sessions: DebugSessions, liveTopic: string) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/debug-session',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Open a debug session at a time (default: the log’s start), with a filter and breakpoints',
          body: OpenSessionBody,
          response: { 201: Session, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const session = await open(sessions, liveTopic, request.body);
        return reply
          .status(201)
          .header('location', `/api/v1/event-replay/debug-session/${session.id}`)
          .send(session.info());
      },
    );

    api.get(
      '/debug-session/:id',
      {
        config: admin,
        schema: { tags, summary: 'A debug session', params: IdParam, response: { 200: Session, ...ReadErrors } },
      },
      async (request) => sessions.get(request.params.id).info(),
    );

    api.delete(
      '/debug-session/:id',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Close a debug session',
          params: IdParam,
          response: { 204: NoContent, ...WriteErrors },
        },
      },
      async (request, reply) => {
        if (!sessions.close(request.params.id)) throw notFound('debug session', request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}

function cursorRoutes(sessions: DebugSessions) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/debug-session/:id/step',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Step through the next n events (default 1); stops early at a breakpoint',
          params: IdParam,
          querystring: StepQuery,
          body: NoBody,
          response: { 200: StepResult, ...WriteErrors },
        },
      },
      async (request) => step(sessions, request.params.id, request.query.n ?? 1),
    );

    api.post(
      '/debug-session/:id/seek',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Reconstruct the state at a time and put the cursor right after it',
          params: IdParam,
          querystring: SeekQuery,
          body: NoBody,
          response: { 200: Session, ...WriteErrors },
        },
      },
      async (request) => seek(sessions, request.params.id, request.query.time),
    );

    api.get(
      '/debug-session/:id/state',
      {
        config: admin,
        schema: {
          tags,
          summary: 'The state at the cursor: one customer’s view, or every customer in view',
          params: IdParam,
          querystring: CustomerQuery,
          response: { 200: SessionState, ...ReadErrors },
        },
      },
      async (request) => state(sessions, request.params.id, request.query.customerId),
    );
  };
}

function breakpointRoutes(sessions: DebugSessions) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/debug-session/:id/breakpoints',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Add a breakpoint: on an event type, or on a condition over a view becoming true',
          params: IdParam,
          body: BreakpointBody,
          response: { 201: Breakpoint, ...WriteErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(sessions.get(request.params.id).addBreakpoint(request.body as BreakpointSpec)),
    );

    api.delete(
      '/debug-session/:id/breakpoints/:bp',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Remove a breakpoint',
          params: BpParams,
          response: { 204: NoContent, ...WriteErrors },
        },
      },
      async (request, reply) => {
        if (!sessions.get(request.params.id).removeBreakpoint(request.params.bp))
          throw notFound('breakpoint', request.params.bp);
        return reply.status(204).send(null);
      },
    );
  };
}

/** A stretch of a session played at a speed: a job the /replay/{id} routes follow. */
function controlledReplayRoutes(sessions: DebugSessions, sessionRuns: SessionRuns) {
  async function play(body: Static<typeof ControlledReplayBody>) {
    const { sessionId, speed } = body;
    const from = time(body.from);
    const until = time(body.until);
    const run = await sessions.get(sessionId).controlledReplay({
      speed,
      ...(from !== undefined ? { from } : {}),
      ...(until !== undefined ? { until } : {}),
    });
    sessionRuns.add(run);
    return run;
  }

  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/controlled-replay',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Play (from, until] of a debug session at a speed; a job under /replay/{id} (202)',
          description: 'Without from it goes on from the session’s cursor; a breakpoint pauses the job.',
          body: ControlledReplayBody,
          response: { 202: Job, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const run = await play(request.body);
        return reply.status(202).header('location', `/api/v1/event-replay/replay/${run.id}`).send(run.snapshot());
      },
    );
  };
}
