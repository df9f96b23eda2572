import type { Static } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { eventStreams, type EventStream } from '../../event-stream.ts';
import { IdParam, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { NoBody } from '../../schemas/no-body.ts';
import { StepQuery } from '../../schemas/event-replay-common.ts';
import { Job, Jobs, ProgressEvent, ReplayBody } from '../../schemas/event-replay-jobs.ts';
import { notFound } from '../../../errors.ts';
import type { ReplayJob, ServiceReplayTarget } from '../../../replay/index.ts';
import { admin, tags, time, type EventReplayServices, type SessionRuns } from './event-replay-services.ts';

export function replayJobRoutes(replay: EventReplayServices, sessionRuns: SessionRuns) {
  const { service } = replay;
  const job = (id: string) => {
    const found = service.job(id) ?? sessionRuns.get(id);
    if (!found) throw notFound('replay job', id);
    return found;
  };

  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/replay',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Start a replay of [startTime, endTime) (202: follow it at /replay/{id} or its /events)',
          body: ReplayBody,
          response: { 202: Job, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const run = await start(replay, request.body);
        return reply.status(202).header('location', `/api/v1/event-replay/replay/${run.id}`).send(run.snapshot());
      },
    );

    api.get(
      '/replay',
      {
        config: admin,
        schema: { tags, summary: 'Replay jobs (finished ones are kept for an hour)', response: { 200: Jobs } },
      },
      async () => ({ items: [...service.jobs(), ...sessionRuns.list()] }),
    );

    await api.register(jobControlRoutes(job));
  };
}

function jobControlRoutes(job: (id: string) => ReplayJob) {
  return async function routes(api: ApiApp): Promise<void> {
    const streams = eventStreams(api);

    api.get(
      '/replay/:id',
      {
        config: admin,
        schema: { tags, summary: 'A replay job', params: IdParam, response: { 200: Job, ...ReadErrors } },
      },
      async (request) => job(request.params.id).snapshot(),
    );

    api.post(
      '/replay/:id/cancel',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Cancel a replay job (a finished job stays as it ended)',
          params: IdParam,
          body: NoBody,
          response: { 200: Job, ...WriteErrors },
        },
      },
      async (request) => {
        const found = job(request.params.id);
        found.cancel();
        return found.snapshot();
      },
    );

    api.post(
      '/replay/:id/step',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Process n more events of a STEP_BY_STEP (or paused) job; answers when they are processed',
          params: IdParam,
          querystring: StepQuery,
          body: NoBody,
          response: { 200: Job, ...WriteErrors },
        },
      },
      async (request) => {
        const found = job(request.params.id);
        await found.step(request.query.n ?? 1);
        return found.snapshot();
      },
    );

    api.get(
      '/replay/:id/events',
      {
        config: { ...admin, stream: true },
        schema: {
          tags,
          summary: 'Server-sent events: `event: progress` with the job as JSON data, until the job ends',
          params: IdParam,
          response: {
            200: {
              description: 'text/event-stream: one `progress` event per update, until the job ends',
              content: { 'text/event-stream': { schema: ProgressEvent } },
            },
            ...ReadErrors,
          },
        },
      },
      async (request, reply) => follow(job(request.params.id), streams.open(request, reply)),
    );
  };
}

async function start({ service, liveTopic }: EventReplayServices, body: Static<typeof ReplayBody>) {
  // The seed spec nests the options; a flat body is accepted too, the nested options win.
  const options = { ...body, ...body.options };
  const startTime = time(body.startTime);
  const endTime = time(body.endTime);
  const filter = {
    ...body.filter,
    ...(body.customerId !== undefined ? { customerId: body.customerId } : {}),
  };
  return service.replay({
    topic: body.topic ?? liveTopic,
    target: (body.target ?? { kind: 'sandbox' }) as ServiceReplayTarget,
    ...(startTime !== undefined ? { startTime } : {}),
    ...(endTime !== undefined ? { endTime } : {}),
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
    ...(options.speed !== undefined ? { speed: options.speed } : {}),
    ...(options.ignoreErrors !== undefined ? { ignoreErrors: options.ignoreErrors } : {}),
    ...(options.parallelProcessing !== undefined ? { parallel: options.parallelProcessing } : {}),
    ...(options.validateEvents !== undefined ? { validateEvents: options.validateEvents } : {}),
  });
}

async function follow(found: ReplayJob, stream: EventStream) {
  // A paced or stepped job can go quiet for minutes: a comment line keeps proxies from closing it.
  const heartbeat = setInterval(() => stream.keepAlive(), 15_000);
  try {
    for await (const update of found.updates(stream.signal)) stream.send('progress', update.progress.processed, update);
  } finally {
    clearInterval(heartbeat);
    stream.end();
  }
}
