// Kafka refuses to move a group that has members: a restore stops ours first and starts them again after.
import type { ConsumerStatus, RunningConsumer } from './consumer-runner.ts';

export interface ConsumerRegistry {
  start(group: string, starter: () => Promise<RunningConsumer>): Promise<RunningConsumer>;
  runs(group: string): boolean;
  members(group: string): number;
  statuses(): Array<ConsumerStatus & { readonly group: string }>;
  pause(group: string): Promise<() => Promise<void>>;
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
