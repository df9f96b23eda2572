// The consumers this process runs, by group, so an operation that must move a group's committed
// offsets (replay's restore) can stop our members of the group first and start them again after:
// Kafka refuses to move a group that has members. Compose starts every consumer through here.
import type { ConsumerStatus, RunningConsumer } from './consumer-runner.ts';

export interface ConsumerRegistry {
  /** Starts a consumer and remembers how to start it again. */
  start(group: string, starter: () => Promise<RunningConsumer>): Promise<RunningConsumer>;
  /** True when this process runs a consumer of the group. */
  runs(group: string): boolean;
  /** How many consumers of the group this process runs (each one member of the group). */
  members(group: string): number;
  /** Each running consumer's status (readiness reports one that is not consuming). */
  statuses(): Array<ConsumerStatus & { readonly group: string }>;
  /** Stops our consumers of the group; resolves to the function that starts them again. */
  pause(group: string): Promise<() => Promise<void>>;
  /** Stops our consumers of the group for good. */
  stop(group: string): Promise<void>;
  stopAll(): Promise<void>;
}

export function createConsumerRegistry(): ConsumerRegistry {
  const running = new Map<string, Array<{ consumer: RunningConsumer; starter: () => Promise<RunningConsumer> }>>();
  const entries = (group: string) => running.get(group) ?? [];

  return {
    async start(group, starter) {
      const consumer = await starter();
      running.set(group, [...entries(group), { consumer, starter }]);
      return consumer;
    },
    runs: (group) => entries(group).length > 0,
    members: (group) => entries(group).length,
    statuses: () =>
      [...running.values()].flat().map(({ consumer }) => ({ group: consumer.group, ...consumer.status() })),
    async pause(group) {
      const paused = entries(group);
      running.delete(group);
      await Promise.all(paused.map((e) => e.consumer.stop()));
      return async () => {
        const restarted = await Promise.all(
          paused.map(async (e) => ({ consumer: await e.starter(), starter: e.starter })),
        );
        running.set(group, [...entries(group), ...restarted]);
      };
    },
    async stop(group) {
      await this.pause(group);
    },
    async stopAll() {
      const all = [...running.values()].flat();
      running.clear();
      await Promise.all(all.map((e) => e.consumer.stop()));
    },
  };
}
