// Failed sign-ins on the composed app (PGlite, inject, in-process counter): past BSS_AUTH_FAILURE_MAX
// bad keys or tokens an address gets 429 + Retry-After whatever it sends, other addresses are served,
// and each failed sign-in is an `auth.failed` audit entry naming the address and the claimed key id,
// never the secret, which appears in no log line either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { capturedLog } from '../../support/captured-log.ts';

const ATTACKER = '203.0.113.7';
const WRONG_SECRET = 'wrongSecretWrongSecretWrongSecret123';
const BAD_KEY = `bss_0123456789ab_${WRONG_SECRET}`;
const toBase64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const BAD_TOKEN = `${toBase64url({ alg: 'RS256', kid: 'kid-1' })}.${toBase64url({ sub: 'someone' })}.c2lnbmF0dXJl`;

const log = capturedLog('trace');
const bss = composedAppPerFile({ BSS_AUTH_FAILURE_MAX: '3' }, { logger: log.logger });

const get = (headers: Record<string, string>, remoteAddress = ATTACKER) =>
  bss.app.inject({ method: 'GET', url: '/api/v1/customers', headers, remoteAddress });

async function auditOf(actor: string, count: number): Promise<Array<Record<string, unknown>>> {
  // Entries are written once the answer is sent: wait for them.
  for (let i = 0; i < 100; i++) {
    const url = `/api/v1/audit?action=auth.failed&actor=ip:${actor}`;
    const page = await bss.app.inject({ url, headers: bss.as('admin') });
    assert.equal(page.statusCode, 200, page.body);
    const items = page.json().items as Array<Record<string, unknown>>;
    if (items.length >= count) return items;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} auth.failed entries for ${actor}`);
}

test('past the limit an address gets 429 with Retry-After, even with a good key; others are served', async () => {
  assert.equal((await get({})).statusCode, 401, 'no credentials: not a failed sign-in, not counted');
  const attempts: Array<Record<string, string>> = [
    { 'x-api-key': BAD_KEY },
    { authorization: `Bearer ${BAD_TOKEN}` },
    { 'x-api-key': 'x' },
  ];
  for (const headers of attempts) {
    assert.equal((await get(headers)).statusCode, 401);
  }
  const blocked = await get({ 'x-api-key': BAD_KEY });
  assert.equal(blocked.statusCode, 429);
  assert.match(String(blocked.headers['content-type']), /^application\/problem\+json/);
  assert.equal(blocked.json().code, 'RATE_LIMITED');
  assert.equal(blocked.json().retryable, true);
  const retryAfter = Number(blocked.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.equal((await get(bss.as('viewer'))).statusCode, 429, 'a right guess is refused too');
  assert.equal((await get(bss.as('viewer'), '198.51.100.9')).statusCode, 200);
  assert.equal((await get({ 'x-api-key': BAD_KEY }, '198.51.100.9')).statusCode, 401);
});

test('each failed sign-in is an audit entry: the address and claimed key id, never the secret', async () => {
  const items = await auditOf(ATTACKER, 3);
  assert.equal(items.length, 3, 'the refused (429) attempts are not sign-ins');
  const byScheme = items.map((i) => [i['target'], i['parameters']]);
  assert.deepEqual(byScheme, [
    ['key:0123456789ab', { scheme: 'api-key', route: 'GET /api/v1/customers' }],
    ['kid:kid-1', { scheme: 'bearer', route: 'GET /api/v1/customers' }],
    [null, { scheme: 'api-key', route: 'GET /api/v1/customers' }],
  ]);
  for (const item of items) {
    assert.equal(item['actor'], `ip:${ATTACKER}`);
    assert.equal(item['role'], null);
    assert.equal(item['outcome'], 'REFUSED');
    assert.equal(item['status'], 401);
  }
  const { rows } = await bss.services.db.query<{ value: string }>(
    `SELECT value FROM event_log WHERE topic LIKE '%bss.audit'`,
  );
  const trail = JSON.stringify(items) + rows.map((r) => r.value).join('\n');
  assert.match(trail, /auth\.failed/);
  for (const secret of [WRONG_SECRET, BAD_TOKEN, 'c2lnbmF0dXJl', bss.keys.viewer.plaintext]) {
    assert.ok(!trail.includes(secret), 'no secret in the audit trail');
    assert.ok(!log.text().includes(secret), 'no secret in the log');
  }
});
