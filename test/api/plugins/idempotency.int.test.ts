// Idempotent writes through the real app on PostgreSQL (single-server mode): concurrent retries of one
// create, spread over the connection pool, append one event and all see one answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedApp } from '../../support/composed-app.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { customerBody } from '../../support/customers.ts';

test('PostgreSQL: concurrent retries of one idempotent create run it once', async () => {
  const schema = uniqueName('api_idempotency');
  const bss = await composedApp({ BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'), BSS_DATABASE_SCHEMA: schema });
  try {
    const payload = customerBody('cus_pg_idem');
    const headers = { ...bss.as('operator'), 'idempotency-key': 'create-cus-pg' };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => bss.app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload })),
    );
    for (const response of responses) {
      assert.ok(
        response.statusCode === 201 || response.json().code === 'IDEMPOTENCY_KEY_IN_PROGRESS',
        `${response.statusCode} ${response.body}`,
      );
    }
    assert.equal(responses.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed']).length, 1);
    const retry = await bss.app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload });
    assert.equal(retry.statusCode, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.headers.location, '/api/v1/customers/cus_pg_idem');
    assert.equal(await bss.countEvents(), 1);
  } finally {
    await bss.services.db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await bss.close();
  }
});
