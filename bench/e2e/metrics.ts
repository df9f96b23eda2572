// Reading a service's /metrics (Prometheus text format): sums of a metric, histogram quantiles.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] as string] = pair[2] as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

export async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`);
  return parseMetrics(await response.text());
}

export function sum(
  samples: readonly Sample[],
  name: string,
  where: (labels: Sample['labels']) => boolean = () => true,
): number {
  return samples.filter((s) => s.name === name && where(s.labels)).reduce((total, s) => total + s.value, 0);
}

/** Cumulative buckets (le → count) of a histogram, summed over label sets and instances. */
export function buckets(sampleSets: ReadonlyArray<readonly Sample[]>, name: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const samples of sampleSets) {
    for (const s of samples) {
      if (s.name !== `${name}_bucket`) continue;
      const le = s.labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels['le']);
      out.set(le, (out.get(le) ?? 0) + s.value);
    }
  }
  return out;
}

/** histogram_quantile as Prometheus computes it: linear within the bucket; NaN without observations. */
export function histogramQuantile(q: number, cumulative: Map<number, number>): number {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const bound of bounds) {
    const count = cumulative.get(bound) as number;
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return previousBound;
      return previousBound + ((bound - previousBound) * (rank - previousCount)) / (count - previousCount || 1);
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound;
}
