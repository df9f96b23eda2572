// `bss keys` as a user runs it: through the running embedded service (its data directory is locked),
// then directly in the database once it stopped. Also the process hygiene of the same runs: the
// service's cache consumer group is gone after a clean stop, stale ones are swept at the next start,
// and one-shot commands leave none.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { loadConfig } from '../../src/config.ts';
import { withDatabase } from '../../src/cli/direct.ts';
import { AUDIT_TOPIC } from '../../src/events/catalog.ts';
import { CACHE_GROUP_PREFIX } from '../../src/cache/instance-groups.ts';
import { runCli } from './run-cli.ts';

const ADMIN_KEY = 'cli-keys-admin-key-0123456789abcdef';
let dataDir: string;
let service: ServiceProcess | undefined;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bss-cli-keys-'));
});
after(async () => {
  await service?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const direct = <T>(fn: Parameters<typeof withDatabase<T>>[1]) =>
  withDatabase(loadConfig({ BSS_DATA_DIR: dataDir }), fn);
const cacheGroups = () =>
  direct(async ({ db }) => {
    const { rows } = await db.query<{ group_id: string }>(
      'SELECT DISTINCT group_id FROM event_log_offsets WHERE starts_with(group_id, $1) ORDER BY 1',
      [CACHE_GROUP_PREFIX],
    );
    return rows.map((r) => r.group_id);
  });

test('while the service runs, keys go through its API; --direct says what to do instead', async () => {
  service = await startService({ BSS_DATA_DIR: dataDir, BSS_ADMIN_API_KEY: ADMIN_KEY });
  const env = { BSS_URL: service.url, BSS_API_KEY: ADMIN_KEY, BSS_DATA_DIR: dataDir };
  const created = await runCli(['keys', 'create', '--role', 'viewer', '--name', 'dashboards', '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /through the service at http/);
  const key = JSON.parse(created.stdout);
  const read = await fetch(`${service.url}/api/v1/customers`, { headers: { 'x-api-key': key.key } });
  assert.equal(read.status, 200);

  const listed = await runCli(['keys', 'list'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^ID +ROLE +NAME +CREATED \(UTC\) +LAST USED$/m);
  assert.match(
    listed.stdout,
    new RegExp(`^${key.keyId} +viewer +dashboards +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\S`, 'm'),
  );
  assert.match(listed.stdout, /^bootstrap-admin +admin .* \d+ (s|ms) ago$/m, 'the admin key was just used');

  const revoked = await runCli(['keys', 'revoke', key.keyId], env);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, /^Revoked key \S+; running services refuse it within 30 s$/m);

  const noKey = await runCli(['keys', 'list'], { BSS_URL: service.url });
  assert.equal(noKey.code, 64);
  assert.match(
    noKey.stderr,
    /a service answers at .*: pass an admin key with --api-key, BSS_API_KEY or BSS_ADMIN_API_KEY/,
  );
  const locked = await runCli(['keys', 'list', '--direct'], env);
  assert.equal(locked.code, 1);
  assert.match(locked.stderr, /is in use by another BSS process \(pid \d+\)/);
  assert.match(locked.stderr, /drop --direct and point --url \(or BSS_URL\) at it/);

  assert.equal(await service.stop(), 0);
  service = undefined;
});

test('after a clean stop its cache group is gone; without a service keys work on the database', async () => {
  assert.deepEqual(await cacheGroups(), [], 'the stopped instance removed its group');
  const env = { BSS_DATA_DIR: dataDir, BSS_PORT: '65534' };
  const created = await runCli(['keys', 'create', '--role', 'operator', '--name', 'offline'], env);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /directly in the database: no service answers at http:\/\/127\.0\.0\.1:65534/);
  assert.match(
    created.stdout,
    /^Created operator key (\S+) \(offline\)\. Store it now; it is not shown again:\nbss_\1_\S+$/m,
  );
  const all = await runCli(['keys', 'list', '--all', '--json'], env);
  assert.equal(all.code, 0, all.stderr);
  const items: Array<{ name: string; revokedAt: string | null }> = JSON.parse(all.stdout).items;
  assert.deepEqual(
    items.map((k) => [k.name, k.revokedAt !== null]),
    [
      ['bootstrap admin (BSS_ADMIN_API_KEY)', false],
      ['dashboards', true],
      ['offline', false],
    ],
  );
  const audit = await direct(async ({ db }) => {
    const { rows } = await db.query<{ value: string }>(
      'SELECT value FROM event_log WHERE topic = $1 ORDER BY "offset"',
      [AUDIT_TOPIC],
    );
    return rows.map((r) => JSON.parse(r.value) as { type: string; data: { actor: string; name: string } });
  });
  assert.deepEqual(
    audit.map((e) => [e.type.split('.').at(-2), e.data.name]),
    [
      ['created', 'dashboards'],
      ['revoked', 'dashboards'],
      ['created', 'offline'],
    ],
  );
  assert.match(audit[2]!.data.actor, /^cli:\S+@\S+$/);
  assert.deepEqual(await cacheGroups(), [], 'one-shot commands start no consumer');
});

test('groups of instances that died are swept when the next one starts', async () => {
  await direct(async ({ db }) => {
    await db.query(
      `INSERT INTO event_log_offsets (group_id, topic, partition, committed) VALUES ($1, 'bss.events', 0, 0)`,
      [`${CACHE_GROUP_PREFIX}crashed-host-1-abcd`],
    );
  });
  service = await startService({ BSS_DATA_DIR: dataDir, BSS_ADMIN_API_KEY: ADMIN_KEY });
  const groups = await runCli(['replay', 'offsets', '--json'], { BSS_URL: service.url, BSS_API_KEY: ADMIN_KEY });
  assert.equal(groups.code, 0, groups.stderr);
  const names: string[] = JSON.parse(groups.stdout).groups.map((g: { group: string }) => g.group);
  assert.equal(names.filter((g) => g.startsWith(CACHE_GROUP_PREFIX)).length, 1, names.join(', '));
  assert.ok(!names.includes(`${CACHE_GROUP_PREFIX}crashed-host-1-abcd`));
  assert.equal(await service.stop(), 0);
  service = undefined;
  assert.deepEqual(await cacheGroups(), []);
});
