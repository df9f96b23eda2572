// The README's start path, as an operator sees it: the real service process on embedded PGlite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { runServiceToExit, startService } from '../support/service-process.ts';

async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bss-e2e-'));
}

test('embedded start: ready, prints URL/docs/data and a one-time admin key; restart keeps data', async () => {
  const dataDir = await tempDataDir();
  try {
    const first = await startService({ BSS_DATA_DIR: dataDir });
    const ready = await fetch(`${first.url}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, {
      database: { status: 'up', required: true },
      consumers: { status: 'up', required: false },
    });
    assert.match(first.stdout(), /Docs:\s+http:\/\/\S+\/docs/);
    assert.match(first.stdout(), new RegExp(`Data:\\s+${dataDir}`));
    const key = /Admin API key \(shown once, store it now\): (bss_\S+)/.exec(first.stdout())?.[1];
    assert.ok(key, 'the generated admin key is printed on first start');
    assert.ok(!first.stderr().includes(key), 'the key never reaches the logs');
    assert.equal(await first.stop(), 0);

    const second = await startService({ BSS_DATA_DIR: dataDir });
    assert.equal((await fetch(`${second.url}/health/ready`)).status, 200);
    assert.doesNotMatch(second.stdout(), /Admin API key/, 'data kept: the admin key exists, none is generated again');
    assert.equal(await second.stop(), 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a second instance on the same data directory fails clearly and leaves the first one running', async () => {
  const dataDir = await tempDataDir();
  try {
    const first = await startService({ BSS_DATA_DIR: dataDir });
    const second = await runServiceToExit({ BSS_DATA_DIR: dataDir });
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /in use by another BSS process \(pid \d+\)/);
    assert.equal((await fetch(`${first.url}/health/ready`)).status, 200);
    assert.equal(await first.stop(), 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('BSS_PORT=abc exits non-zero with a message naming BSS_PORT', async () => {
  const result = await runServiceToExit({ BSS_PORT: 'abc' });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /BSS_PORT/);
});

test('SIGTERM while a request is in flight: it completes, then the process exits 0', async () => {
  const dataDir = await tempDataDir();
  try {
    const service = await startService({ BSS_DATA_DIR: dataDir });
    const { hostname, port } = new URL(service.url);
    // A request whose body is still arriving is in flight for as long as we choose.
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { hostname, port, method: 'POST', path: '/health/live', headers: { 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (body += c))
            .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('{"partial":');
      setTimeout(() => req.end('true}'), 1000);
    });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const exitCode = service.stop('SIGTERM');
    const response = await inFlight;
    assert.equal(response.status, 405, 'the in-flight request got its full answer');
    assert.match(response.body, /METHOD_NOT_ALLOWED/);
    assert.equal(await exitCode, 0);
    assert.ok(Date.now() - started < 10_000);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
