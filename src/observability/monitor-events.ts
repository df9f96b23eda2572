// Structural types keep this layer free of imports from the application and log layers.
import { instrument, type Component, type OperationMetrics } from './instrument.ts';

interface Typed {
  readonly type: string;
}

interface HandlerLike {
  readonly name: string;
  handle(events: ReadonlyArray<{ readonly event: Typed }>): Promise<void>;
}

export function monitorHandler<H extends HandlerLike>(handler: H, metrics: OperationMetrics, component: Component): H {
  const handle = instrument(metrics, component, handler.name, (events: Parameters<H['handle']>[0]) =>
    handler.handle(events),
  );
  return {
    ...handler,
    async handle(events: Parameters<H['handle']>[0]) {
      const started = process.hrtime.bigint();
      await handle(events);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.eventsProcessed(
        component,
        events.map((e) => e.event.type),
        seconds,
      );
    },
  };
}

interface BusLike {
  run(...args: never[]): Promise<{ readonly envelopes: readonly Typed[] }>;
}

/** Refused and failed commands commit no event: they are left to bss_errors_total. */
export function monitorCommands<B extends BusLike>(bus: B, metrics: OperationMetrics): B {
  const run = (async (...args: Parameters<B['run']>) => {
    const started = process.hrtime.bigint();
    const committed = await bus.run(...args);
    if (committed.envelopes.length > 0) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.eventsProcessed(
        'api',
        committed.envelopes.map((e) => e.type),
        seconds,
      );
    }
    return committed;
  }) as B['run'];
  return { ...bus, run };
}
