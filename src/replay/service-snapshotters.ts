import { createSnapshotter, type SnapshotStore, type Snapshotter } from './time-travel/index.ts';
import type { ReplayService, ReplayServiceOptions } from './service-types.ts';

export type SnapshottersPart = Pick<ReplayService, 'startSnapshotter' | 'stopSnapshotter'> & {
  stopAll(): Promise<void>;
};

export function createSnapshottersPart(options: ReplayServiceOptions, store: SnapshotStore): SnapshottersPart {
  const snapshotters = new Map<string, Snapshotter>();
  return {
    startSnapshotter(topic) {
      let snapshotter = snapshotters.get(topic);
      if (!snapshotter) {
        snapshotter = createSnapshotter({
          log: options.log,
          codec: options.codec,
          store,
          topic,
          ...(options.snapshotEvery !== undefined ? { every: options.snapshotEvery } : {}),
          ...(options.onSnapshotError ? { onError: options.onSnapshotError } : {}),
          ...(options.trustedRecord ? { trusted: options.trustedRecord } : {}),
          ...(options.recentAppends ? { recent: options.recentAppends } : {}),
        }).start();
        snapshotters.set(topic, snapshotter);
      }
      return snapshotter;
    },

    async stopSnapshotter(topic) {
      const snapshotter = snapshotters.get(topic);
      snapshotters.delete(topic);
      await snapshotter?.stop();
    },

    async stopAll() {
      await Promise.all([...snapshotters.values()].map((s) => s.stop()));
      snapshotters.clear();
    },
  };
}
