import type { EventHandler } from '../log/consumer-runner.ts';
import { BssError } from '../errors.ts';
import { createJobRegistry, startReplay, type ReplayTarget } from './engine/index.ts';
import { estimateReplayDuration } from './offsets/index.ts';
import type { ReplayService, ReplayServiceOptions, ServiceReplayTarget } from './service-types.ts';

export type JobsPart = Pick<ReplayService, 'estimate' | 'replay' | 'job' | 'jobs' | 'handlerNames'> & {
  cancelAll(): void;
};

export function createJobsPart(options: ReplayServiceOptions): JobsPart {
  const { log, codec } = options;
  const jobs = createJobRegistry();
  const handlers = new Map((options.handlers ?? []).map((h) => [h.name, h]));
  let measuredMaxRate: number | undefined;

  function resolveTarget(target: ServiceReplayTarget): ReplayTarget {
    if (target.kind !== 'handlers' || !('names' in target)) return target;
    const unknown = target.names.filter((n) => !handlers.has(n));
    // Handlers are configured, not in the schema: well-formed but unknown is a 422.
    if (unknown.length > 0) {
      const known = [...handlers.keys()].join(', ') || 'none';
      throw new BssError('UNKNOWN_HANDLERS', `unknown handlers: ${unknown.join(', ')}; known: ${known}`, {
        status: 422,
      });
    }
    return { kind: 'handlers', handlers: target.names.map((n) => handlers.get(n) as EventHandler) };
  }

  const estimate: ReplayService['estimate'] = (topic, request) => {
    const rate = measuredMaxRate ?? options.maxEventsPerSecond;
    return estimateReplayDuration(log, topic, {
      ...request,
      ...(rate !== undefined ? { maxEventsPerSecond: rate } : {}),
    });
  };

  return {
    estimate,
    async replay(request) {
      jobs.prune(options.jobRetentionMs ?? 3_600_000);
      await log.partitionCount(request.topic); // an unknown topic is a 404 now, not a FAILED job later
      const window = {
        ...(request.startTime !== undefined ? { startTime: request.startTime } : {}),
        ...(request.endTime !== undefined ? { endTime: request.endTime } : {}),
      };
      const run = startReplay(
        { log, codec },
        {
          ...request,
          estimate: await estimate(request.topic, { ...window, speed: request.speed ?? 'MAX' }),
          target: resolveTarget(request.target),
          ...(options.liveTopic !== undefined ? { liveTopic: options.liveTopic } : {}),
        },
      );
      jobs.add(run);
      void run.done.then((final) => {
        // Only a long enough MAX run says something about the rate.
        if ((request.speed ?? 'MAX') === 'MAX' && final.status === 'COMPLETED' && final.progress.processed >= 1000)
          measuredMaxRate = final.throughput;
      });
      return run;
    },
    job: (id) => jobs.get(id),
    jobs: () => jobs.list(),
    handlerNames: () => [...handlers.values()].filter((h) => h.replaySafe).map((h) => h.name),
    cancelAll() {
      for (const job of jobs.list()) if (job.finishedAt === null) jobs.get(job.id)?.cancel();
    },
  };
}
