// Debug sessions: a cursor in the log with the reconstructed state there. Open at a time, step,
// seek, look at the state, set and remove breakpoints, and play a stretch at a speed (a controlled
// replay, which is a job under /replay/{id}). Sessions expire after 15 idle minutes.
import type { ApiApp } from '../../types.ts';
import { IdParam, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { NoBody } from '../../schemas/no-body.ts';
import {
  Breakpoint,
  BreakpointBody,
  BpParams,
  ControlledReplayBody,
  CustomerQuery,
  Job,
  OpenSessionBody,
  SeekQuery,
  Session,
  SessionState,
  StepQuery,
  StepResult,
} from '../../schemas/event-replay.ts';
import { Type } from 'typebox';
import { notFound } from '../../../errors.ts';
import type { BreakpointSpec } from '../../../replay/index.ts';
import { time, type EventReplayServices, type SessionRuns } from './event-replay-services.ts';

const tags = ['event replay: debug sessions'];
const admin = { role: 'admin' as const };
const NoContent = Type.Null({ description: 'no content' });

export function debugSessionRoutes(replay: EventReplayServices, sessionRuns: SessionRuns) {
  const { service, liveTopic } = replay;
  const sessions = service.sessions;

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
        const { topic = liveTopic, filter, breakpoints } = request.body;
        const at = time(request.body.at);
        const session = await sessions.open({
          topic,
          ...(at !== undefined ? { at } : {}),
          ...(filter ? { filter } : {}),
          ...(breakpoints ? { breakpoints: breakpoints as BreakpointSpec[] } : {}),
        });
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
      async (request) => {
        const session = sessions.get(request.params.id);
        const result = await session.step(request.query.n ?? 1);
        return { ...result, session: session.info() };
      },
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
      async (request) => {
        const session = sessions.get(request.params.id);
        await session.seek(time(request.query.time) as string | number);
        return session.info();
      },
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
      async (request) => {
        const session = sessions.get(request.params.id);
        return { session: session.info(), state: session.state(request.query.customerId) };
      },
    );

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
        const { sessionId, speed } = request.body;
        const from = time(request.body.from);
        const until = time(request.body.until);
        const run = await sessions.get(sessionId).controlledReplay({
          speed,
          ...(from !== undefined ? { from } : {}),
          ...(until !== undefined ? { until } : {}),
        });
        sessionRuns.add(run);
        return reply.status(202).header('location', `/api/v1/event-replay/replay/${run.id}`).send(run.snapshot());
      },
    );
  };
}
