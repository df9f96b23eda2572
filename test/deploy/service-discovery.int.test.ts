// A started BSS instance becomes a target of the project Prometheus (BSS_PROMETHEUS_URL) once
// `scripts/services.sh scrape HOST:PORT` lists it in the `bss` job's file_sd file; the service itself
// never writes there. The file is restored afterwards, so no stopped instance is left to alert on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireEnv } from '../support/env.ts';
import { startService } from '../support/service-process.ts';
import { REPO } from '../support/private-stack.ts';
import { waitFor } from '../support/wait.ts';

const TARGETS = join(REPO, '.services/prometheus/targets/bss.json');

test('services.sh scrape: the project Prometheus scrapes a started instance through file_sd', async () => {
  const prometheus = requireEnv('BSS_PROMETHEUS_URL');
  assert.ok(existsSync(TARGETS), `${TARGETS} is written by "bash scripts/services.sh up"`);
  const before = readFileSync(TARGETS, 'utf8');
  const dataDir = mkdtempSync(join(tmpdir(), 'bss-sd-'));
  const service = await startService({ BSS_DATA_DIR: dataDir, BSS_ADMIN_API_KEY: 'sd-admin-key-0123456789abcdefghij' });
  const instance = new URL(service.url).host;
  try {
    await promisify(execFile)('bash', [join(REPO, 'scripts/services.sh'), 'scrape', instance]);
    assert.deepEqual(JSON.parse(readFileSync(TARGETS, 'utf8')), [{ targets: [instance], labels: { service: 'bss' } }]);
    const query = `up{job="bss",instance="${instance}"} == 1 and on(instance) bss_current_event_rate{job="bss"}`;
    await waitFor(
      `Prometheus to scrape ${instance}`,
      async () => {
        const response = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query })}`);
        const body = (await response.json()) as { data: { result: unknown[] } };
        return body.data.result.length === 1;
      },
      60_000,
    );
  } finally {
    writeFileSync(TARGETS, before);
    assert.equal(await service.stop(), 0);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
