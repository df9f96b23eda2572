// Key administration and the cache's group janitor on PostgreSQL (fresh schema, dropped afterwards):
// the same SQL the PGlite tests run (test/cli/keys-*.int.test.ts), on the server engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { ensureTopic } from '../../../src/log/database/topics.ts';
import { appendWithin } from '../../../src/log/database/append.ts';
import { createApiKeyAdmin } from '../../../src/application/auth/key-admin.ts';
import { createCachedApiKeys } from '../../../src/application/auth/cached-api-keys.ts';
import { databaseGroupJanitor } from '../../../src/cache/instance-groups.ts';
import type { EventSink } from '../../../src/log/event-sink.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

test('postgres: keys are created, used, listed and revoked with audit events; stale cache groups are swept', async () => {
  const schema = uniqueName('keys');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
  try {
    await migrate(db);
    await ensureTopic(db, 'bss.audit', { partitions: 1 });
    const sink: EventSink = {
      appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)),
    };
    const keys = createApiKeyAdmin({ db, sink, auditTopic: 'bss.audit' });
    const issued = await keys.create('operator', 'robot', 'key:admin');
    assert.equal((await createCachedApiKeys(db).verify(issued.plaintext))?.role, 'operator');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last-used write is in the background
    const [listed] = await keys.list();
    assert.equal(listed?.keyId, issued.keyId);
    assert.ok(listed?.lastUsedAt !== null);
    assert.equal((await keys.revoke(issued.keyId, 'key:admin'))?.keyId, issued.keyId);
    assert.equal(await keys.revoke(issued.keyId, 'key:admin'), undefined);
    assert.deepEqual(await keys.list(), []);
    assert.equal((await keys.list({ includeRevoked: true })).length, 1);
    const { rows } = await db.query<{ value: string }>(
      `SELECT value FROM event_log WHERE topic = 'bss.audit' ORDER BY "offset"`,
    );
    assert.deepEqual(
      rows.map((r) => JSON.parse(r.value).type),
      ['com.droid.bss.apikey.created.v1', 'com.droid.bss.apikey.revoked.v1'],
    );

    await db.query(
      `INSERT INTO event_log_offsets (group_id, topic, partition, committed) VALUES
         ('bss-cache-dead', 'bss.events', 0, 1), ('bss-cache-live', 'bss.events', 0, 1), ('other', 'bss.events', 0, 1)`,
    );
    await db.query(
      `INSERT INTO event_log_members (group_id, topic, member_id, expires_at) VALUES ('bss-cache-live', 'bss.events', 'm', now() + interval '1 minute')`,
    );
    const janitor = databaseGroupJanitor(db);
    assert.deepEqual(await janitor.sweep('bss-cache-'), ['bss-cache-dead']);
    await janitor.remove('bss-cache-live');
    const left = await db.query<{ group_id: string }>(
      'SELECT group_id FROM event_log_offsets UNION SELECT group_id FROM event_log_members',
    );
    assert.deepEqual(
      left.rows.map((r) => r.group_id),
      ['other'],
    );
  } finally {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
});
