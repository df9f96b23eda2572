// The API fuzzing stage of the test command: scripts/fuzz.sh runs schemathesis (all checks, every
// phase including the stateful one, a fixed seed) against the real service as admin, operator, viewer
// and without credentials. Any 5xx, undocumented status, content type or schema breach fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/fuzz.sh', import.meta.url));

/** The failure lines and each role's summary, so a red run says what broke without the full log. */
function summary(output: string): string {
  const lines = output.split('\n');
  const keep = lines.filter((line) =>
    /^== fuzz|^_{5,} .+ _{5,}$|^\s+❌|^\s+⚠️|^\s+\d+ generated|^={5,} .+ ={5,}$|Reproduce|^\s+curl /.test(line),
  );
  return keep
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join('\n')
    .slice(-20_000);
}

// About 3 minutes on an idle 2-core machine; up to 12 when the machine is shared, hence its own limit.
test(
  'schemathesis finds no failure in the API as admin, operator, viewer and anonymous',
  { timeout: 900_000 },
  async () => {
    const child = spawn('bash', [SCRIPT], {
      env: { ...process.env, NODE: process.execPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0, `scripts/fuzz.sh failed (exit ${code}):\n${summary(output)}`);
    assert.match(output, /== fuzz: as anonymous/, 'every role ran');
  },
);
