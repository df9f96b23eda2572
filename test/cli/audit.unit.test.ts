// `bss audit` against the composed app (PGlite) listening on a port: it lists what the admin did, filters
// by action and follows the cursor over several pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { composedAppPerFile } from '../support/composed-app.ts';
import { runCli } from './run-cli.ts';

let env: Record<string, string>;
const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      await bss.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = bss.app.server.address() as AddressInfo;
      env = { BSS_URL: `http://127.0.0.1:${port}`, BSS_API_KEY: bss.keys.admin.plaintext };
      for (let i = 0; i < 3; i++) {
        const created = await bss.app.inject({
          method: 'POST',
          url: '/api/v1/keys',
          headers: bss.as('admin'),
          payload: { role: 'viewer', name: `cli audit ${i}` },
        });
        assert.equal(created.statusCode, 201);
      }
      const warm = await bss.app.inject({ method: 'POST', url: '/api/v1/cache/warm', headers: bss.as('admin') });
      assert.equal(warm.statusCode, 200);
    },
  },
);

test('bss audit prints every entry, one per line, and --json the entries', async () => {
  const text = await runCli(['audit'], env);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? '', new RegExp(`key:${bss.keys.admin.keyId}  apikey\\.create \\S+  SUCCEEDED`));
  const json = await runCli(['audit', '--json', '--action', 'cache.warm'], env);
  assert.equal(json.code, 0, json.stderr);
  const { items } = JSON.parse(json.stdout) as { items: Array<{ action: string; role: string }> };
  assert.deepEqual(
    items.map((i) => [i.action, i.role]),
    [['cache.warm', 'admin']],
  );
});

test('bss audit --limit follows pages and stops at the limit', async () => {
  const run = await runCli(['audit', '--json', '--limit', '3'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { items: unknown[] }).items.length, 3);
  const bad = await runCli(['audit', '--limit', '0'], env);
  assert.equal(bad.code, 64);
});
