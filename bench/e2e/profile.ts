// The hot spots of a V8 .cpuprofile (node --cpu-prof): self time per function, and per package/area.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface HotSpot {
  readonly name: string;
  readonly selfPercent: number;
}

const area = (url: string): string => {
  if (url === '') return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.startsWith('node:')) return url.split('/')[0] as string;
  const src = /\/(src|bench)\/(.*?)\/[^/]+$/.exec(url);
  return src ? `${src[1]}/${src[2]}` : url;
};

export function hotSpots(file: string, top = 20): { functions: HotSpot[]; areas: HotSpot[]; samples: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, count] of counts) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      fns.set(functionName, (fns.get(functionName) ?? 0) + count);
      areas.set(functionName, (areas.get(functionName) ?? 0) + count);
      continue;
    }
    const short = url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/');
    const name = `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + count);
    const a = area(url);
    areas.set(a, (areas.get(a) ?? 0) + count);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort(([, a], [, b]) => b - a)
      .slice(0, top)
      .map(([name, c]) => ({ name, selfPercent: Math.round((c / total) * 1000) / 10 }));
  return { functions: rank(fns), areas: rank(areas), samples: total };
}
