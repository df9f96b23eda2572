// The README's guided tour works as written: the ```sh tour blocks, run in order in one bash against
// the real service (src/main.ts) started with the tour's settings on a free port, each print what its
// `# expect:` line says. Only the service address differs from the README.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startService, type ServiceProcess } from '../support/service-process.ts';

const README = new URL('../../README.md', import.meta.url);
const MARK = '@@tour-step@@';

interface Step {
  readonly script: string;
  readonly expect: string;
}

async function tourSteps(): Promise<Step[]> {
  const readme = await readFile(README, 'utf8');
  return [...readme.matchAll(/^```sh tour\n([\s\S]*?)^```$/gm)].map((m) => {
    const script = m[1] ?? '';
    const expect = /^# expect: (.+)$/m.exec(script)?.[1];
    assert.ok(expect, `a tour block without "# expect:": ${script}`);
    return { script, expect };
  });
}

/** The start command's settings, read from the README so the test starts what a reader starts. */
async function startSettings(): Promise<Record<string, string>> {
  const readme = await readFile(README, 'utf8');
  const command = /^BSS_TEST_CLOCK=.*?npx bss start$/ms.exec(readme)?.[0] ?? '';
  const settings = Object.fromEntries([...command.matchAll(/(BSS_[A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  assert.ok(settings['BSS_TEST_CLOCK'] && settings['BSS_ADMIN_API_KEY'], `start command: ${command}`);
  return settings as Record<string, string>;
}

let service: ServiceProcess;
let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bss-tour-'));
  // A shared, loaded machine may take over a minute to open PGlite and migrate.
  service = await startService({ ...(await startSettings()), BSS_DATA_DIR: dataDir }, 180_000);
});
after(async () => {
  await service?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test('every step of the README tour prints what it promises', async () => {
  const steps = await tourSteps();
  assert.ok(steps.length >= 10, `${steps.length} tour steps`);
  const script = steps
    .map((s) => `echo '${MARK}'\n${s.script.replaceAll('http://127.0.0.1:8080', service.url)}`)
    .join('\n');
  // node on the PATH is the project's Node 24, as under npx; errexit: a failing curl stops the tour.
  const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` },
  });
  const outputs = run.stdout.split(`${MARK}\n`).slice(1);
  assert.equal(run.status, 0, `the tour stopped at step ${outputs.length}: ${run.stderr}\n${outputs.at(-1) ?? ''}`);
  assert.equal(outputs.length, steps.length);
  steps.forEach((step, i) => {
    assert.ok(outputs[i]?.includes(step.expect), `step ${i + 1} prints ${step.expect}:\n${outputs[i]}`);
  });
});
