// The target events/s becomes an operation rate through the mix's mean events per operation.

export const OPERATIONS = ['usage', 'order', 'payment', 'customer', 'read'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Shares of operations (not of events); need not sum to 1. */
export type Mix = Readonly<Record<Operation, number>>;

export const DEFAULT_MIX: Mix = { usage: 70, order: 5, payment: 5, customer: 5, read: 15 };

export function eventsPerOperation(operation: Operation, usageBatch: number): number {
  switch (operation) {
    case 'usage':
      return usageBatch;
    case 'order':
      return 4;
    case 'payment':
      return 2;
    case 'customer':
      return 1;
    case 'read':
      return 0;
  }
}

export function parseMix(text: string): Mix {
  const mix: Record<Operation, number> = { usage: 0, order: 0, payment: 0, customer: 0, read: 0 };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!OPERATIONS.includes(name as Operation)) {
      throw new RangeError(`--mix: unknown operation "${name}" (one of ${OPERATIONS.join(', ')})`);
    }
    const weight = Number(value);
    if (!Number.isFinite(weight) || weight < 0)
      throw new RangeError(`--mix: ${name} needs a weight >= 0, got "${value}"`);
    mix[name as Operation] = weight;
  }
  if (OPERATIONS.every((op) => mix[op] === 0)) throw new RangeError('--mix: at least one weight must be > 0');
  return mix;
}

export function meanEvents(mix: Mix, usageBatch: number): number {
  const total = OPERATIONS.reduce((sum, op) => sum + mix[op], 0);
  return OPERATIONS.reduce((sum, op) => sum + (mix[op] / total) * eventsPerOperation(op, usageBatch), 0);
}

/** A mix of reads only has no events: then the rate is taken as operations/s. */
export function operationRate(eventsPerSecond: number, mix: Mix, usageBatch: number): number {
  const mean = meanEvents(mix, usageBatch);
  return mean > 0 ? eventsPerSecond / mean : eventsPerSecond;
}

/** Smooth weighted round-robin (as nginx), so even a short run holds the exact mix. */
export function mixPicker(mix: Mix): () => Operation {
  const kinds = OPERATIONS.filter((op) => mix[op] > 0);
  const total = kinds.reduce((sum, op) => sum + mix[op], 0);
  const current = new Map<Operation, number>(kinds.map((op) => [op, 0]));
  return () => {
    let best = kinds[0] as Operation;
    for (const op of kinds) {
      const value = (current.get(op) as number) + mix[op];
      current.set(op, value);
      if (value > (current.get(best) as number)) best = op;
    }
    current.set(best, (current.get(best) as number) - total);
    return best;
  };
}
