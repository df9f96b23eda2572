// The window of seen event ids every fold of the log keeps (src/replay/shared/seen-events.ts): CPU µs per
// sighting as the window fills and then slides, for this tree and any other (--tree, to compare versions).
//
//   node bench/seen-window.bench.ts [--tree /tmp/base --tree .] [--ids 1300000] [--tag NAME]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { machineInfo, REPO } from './lib/machine.ts';
import { markdownTable, replaceSection, RESULTS_DIR, writeJsonResult } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    tree: { type: 'string', multiple: true, default: [REPO] },
    ids: { type: 'string', default: '1300000' },
    tag: { type: 'string' },
  },
});
const BLOCK = 100_000;
const ids = Array.from({ length: Number(values.ids) }, () => randomUUID());

async function measure(tree: string) {
  const { SeenEvents } = await import(`${tree}/src/replay/shared/seen-events.ts`);
  const seen = new SeenEvents();
  const blocks: number[] = [];
  const all = process.cpuUsage();
  let last = process.cpuUsage();
  for (let i = 0; i < ids.length; i++) {
    seen.firstSighting(ids[i]);
    if ((i + 1) % BLOCK === 0) {
      const used = process.cpuUsage(last);
      last = process.cpuUsage();
      blocks.push((used.user + used.system) / BLOCK);
    }
  }
  const used = process.cpuUsage(all);
  return { tree, meanUs: (used.user + used.system) / ids.length, blocks };
}

const rounds = [];
for (const tree of values.tree) rounds.push(await measure(tree.replace(/\/$/, '')));
const name = values.tag ? `seen-window-${values.tag}` : 'seen-window';
const file = writeJsonResult(name, { date: new Date().toISOString(), machine: machineInfo(), rounds });
const table = markdownTable(
  ['tree', 'µs per sighting (mean)', 'first block', 'worst block', 'last block'],
  rounds.map((r) => ({
    tree: r.tree.replace(REPO, '.'),
    'µs per sighting (mean)': r.meanUs.toFixed(2),
    'first block': (r.blocks[0] ?? 0).toFixed(2),
    'worst block': Math.max(...r.blocks).toFixed(2),
    'last block': (r.blocks.at(-1) ?? 0).toFixed(2),
  })),
);
const text = `Run ${new Date().toISOString()} — \`node bench/seen-window.bench.ts ${process.argv.slice(2).join(' ')}\` (${ids.length.toLocaleString('en')} ids, blocks of ${BLOCK.toLocaleString('en')}) — JSON: \`${file.replace(REPO, '')}\`\n\n${table}\n`;
replaceSection(`${RESULTS_DIR}/TUNING.md`, name, text);
process.stdout.write(`${text}\n`);
