// Natural batching, as PostgreSQL's group commit: an idle batcher starts at once (after this event-loop turn);
// items arriving while `concurrency` batches are in flight go together in the next one, so the wait adapts to load.
// A batch beyond the first starts only once `overlapWeight` waits: light items keep filling one batch.
// While light items stream in from many callers (the last batch carried more than one), batches start at most
// every `spacingMs`: each carries more, and a batch's fixed cost (its round trips, its transaction) is paid
// less often. A lone caller's items, and an item after a pause, start at once.

export type Outcome<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

export interface BatcherOptions<I, O> {
  /** One outcome per item, in order. A rejection fails every item of the batch. */
  readonly process: (items: readonly I[]) => Promise<ReadonlyArray<Outcome<O>>>;
  readonly maxItems?: number;
  /** Default 4,000; a heavier item goes alone. */
  readonly maxWeight?: number;
  readonly weightOf?: (item: I) => number;
  readonly concurrency?: number;
  /** Default 1: any waiting item starts another batch while fewer than `concurrency` are in flight. */
  readonly overlapWeight?: number;
  /** Default 0: the least time between two batch starts while less than `overlapWeight` waits and the last
   * batch carried more than one item. */
  readonly spacingMs?: number;
  readonly now?: () => number;
}

export interface BatcherLoad {
  readonly queued: number;
  readonly oldestWaitMs: number;
  readonly inFlight: number;
}

export interface Batcher<I, O> {
  submit(item: I): Promise<O>;
  load(): BatcherLoad;
}

interface Waiting<I, O> {
  readonly item: I;
  readonly weight: number;
  readonly since: number;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/** A queue with a moving head (shift() on a long array would copy it) that keeps its total weight. */
function waitingQueue<I, O>() {
  let queue: Array<Waiting<I, O>> = [];
  let head = 0;
  let weight = 0;
  return {
    push(waiting: Waiting<I, O>) {
      queue.push(waiting);
      weight += waiting.weight;
    },
    /** The oldest items, up to maxItems and maxWeight; a heavier first item goes alone. */
    take(maxItems: number, maxWeight: number): Array<Waiting<I, O>> {
      const batch: Array<Waiting<I, O>> = [];
      let taken = 0;
      while (head < queue.length && batch.length < maxItems) {
        const next = queue[head] as Waiting<I, O>;
        if (batch.length > 0 && taken + next.weight > maxWeight) break;
        batch.push(next);
        taken += next.weight;
        head += 1;
      }
      weight -= taken;
      if (head === queue.length) {
        queue = [];
        head = 0;
      }
      return batch;
    },
    size: () => queue.length - head,
    weight: () => weight,
    oldest: () => queue[head],
  };
}

async function settle<I, O>(batch: ReadonlyArray<Waiting<I, O>>, process: BatcherOptions<I, O>['process']) {
  try {
    const outcomes = await process(batch.map((w) => w.item));
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) w.resolve(outcome.value);
      else w.reject(outcome ? outcome.error : new Error('the batch gave no outcome for this item'));
    });
  } catch (error) {
    for (const w of batch) w.reject(error);
  }
}

export function createBatcher<I, O>(options: BatcherOptions<I, O>): Batcher<I, O> {
  const maxItems = options.maxItems ?? 128;
  const maxWeight = options.maxWeight ?? 4000;
  const weightOf = options.weightOf ?? (() => 1);
  const concurrency = options.concurrency ?? 1;
  const overlapWeight = options.overlapWeight ?? 1;
  const spacingMs = options.spacingMs ?? 0;
  const now = options.now ?? (() => performance.now());
  const queue = waitingQueue<I, O>();
  let lastStart = -Infinity;
  let lastSize = 0;
  let spacer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let scheduled = false;

  const mayStart = () =>
    queue.size() > 0 && (inFlight === 0 || (inFlight < concurrency && queue.weight() >= overlapWeight));

  /** Light items wait out the spacing, unless they already fill a batch. */
  function spacingLeft(): number {
    if (spacingMs === 0 || lastSize < 2 || queue.weight() >= overlapWeight || queue.size() >= maxItems) return 0;
    return lastStart + spacingMs - now();
  }

  function pump() {
    scheduled = false;
    while (mayStart()) {
      const wait = spacingLeft();
      if (wait > 0) {
        spacer ??= setTimeout(() => {
          spacer = undefined;
          pump();
        }, wait);
        return;
      }
      lastStart = now();
      const batch = queue.take(maxItems, maxWeight);
      lastSize = batch.length;
      inFlight += 1;
      void settle(batch, options.process).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, weight: weightOf(item), since: now(), resolve, reject });
        if (!scheduled && mayStart()) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },
    load() {
      const oldest = queue.oldest();
      return { queued: queue.size(), oldestWaitMs: oldest ? now() - oldest.since : 0, inFlight };
    },
  };
}
