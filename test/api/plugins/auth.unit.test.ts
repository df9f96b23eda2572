// Authentication and role policy on the real composed app (PGlite in a temp dir), driven with inject().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { composedApp, composedAppPerFile } from '../../support/composed-app.ts';
import { revokeApiKey, createApiKey } from '../../../src/application/auth/api-keys.ts';
import { capturedLog } from '../../support/captured-log.ts';
import { customerBody } from '../../support/customers.ts';

const log = capturedLog('debug');
const bss = composedAppPerFile(
  {},
  {
    logger: log.logger,
    setUp: async () => {
      bss.app.get('/admin-only', { config: { role: 'admin' } }, async () => ({ ok: true }));
      bss.app.get('/docsecret', async () => ({ secret: true }));
    },
  },
);

test('no credentials: 401 problem with WWW-Authenticate', async () => {
  const response = await bss.app.inject({ method: 'GET', url: '/api/v1/customers' });
  assert.equal(response.statusCode, 401);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(response.json().code, 'UNAUTHENTICATED');
  assert.equal(response.headers['www-authenticate'], 'ApiKey realm="bss"');
});

test('unknown and revoked keys: 401', async () => {
  const unknown = await bss.app.inject({
    method: 'GET',
    url: '/api/v1/customers',
    headers: { 'x-api-key': 'bss_x_y' },
  });
  assert.equal(unknown.statusCode, 401);
  assert.equal(unknown.json().code, 'UNAUTHENTICATED');
  const key = await createApiKey(bss.services.db, 'admin', 'leaver');
  assert.ok(await revokeApiKey(bss.services.db, key.keyId));
  const revoked = await bss.app.inject({
    method: 'GET',
    url: '/api/v1/customers',
    headers: { 'x-api-key': key.plaintext },
  });
  assert.equal(revoked.statusCode, 401);
});

test('a non-Bearer Authorization header, or both credentials at once: 401', async () => {
  const basic = await bss.app.inject({
    method: 'GET',
    url: '/api/v1/customers',
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
  });
  assert.equal(basic.statusCode, 401);
  const both = await bss.app.inject({
    method: 'GET',
    url: '/api/v1/customers',
    headers: { ...bss.as('admin'), authorization: 'Bearer abc' },
  });
  assert.equal(both.statusCode, 401);
  const bearerOff = await bss.app.inject({
    method: 'GET',
    url: '/api/v1/customers',
    headers: { authorization: 'Bearer abc' },
  });
  assert.equal(bearerOff.statusCode, 401);
  assert.match(bearerOff.json().detail, /not accepted/);
});

test('viewer reads but cannot write: 403 FORBIDDEN', async () => {
  const read = await bss.app.inject({ method: 'GET', url: '/api/v1/customers', headers: bss.as('viewer') });
  assert.equal(read.statusCode, 200);
  const write = await bss.app.inject({
    method: 'POST',
    url: '/api/v1/customers',
    headers: bss.as('viewer'),
    payload: customerBody('cus_viewer'),
  });
  assert.equal(write.statusCode, 403);
  assert.equal(write.json().code, 'FORBIDDEN');
  assert.match(write.json().detail, /needs the operator role/);
});

test('operator and admin write', async () => {
  for (const role of ['operator', 'admin'] as const) {
    const response = await bss.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: bss.as(role),
      payload: customerBody(`cus_by_${role}`),
    });
    assert.equal(response.statusCode, 201, response.body);
  }
});

test('a route asking for admin refuses an operator', async () => {
  const operator = await bss.app.inject({ method: 'GET', url: '/admin-only', headers: bss.as('operator') });
  assert.equal(operator.statusCode, 403);
  const admin = await bss.app.inject({ method: 'GET', url: '/admin-only', headers: bss.as('admin') });
  assert.equal(admin.statusCode, 200);
});

test('health, metrics, docs and the OpenAPI document are public; unknown routes are 404 for anyone', async () => {
  for (const url of [
    '/health/live',
    '/health/ready',
    '/metrics',
    '/openapi.json',
    '/docs',
    '/docs/static/index.html',
  ]) {
    const response = await bss.app.inject({ method: 'GET', url });
    assert.ok(response.statusCode < 400, `${url} answered ${response.statusCode}`);
  }
  const nearDocs = await bss.app.inject({ method: 'GET', url: '/docsecret' });
  assert.equal(nearDocs.statusCode, 401, 'only /docs and /docs/* are public');
  const unknown = await bss.app.inject({ method: 'POST', url: '/nowhere' });
  assert.equal(unknown.statusCode, 404);
});

test('the OpenAPI document applies the security schemes to secured routes only', async () => {
  const doc = (await bss.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['apiKey', 'bearer']);
  const create = doc.paths['/api/v1/customers'].post;
  assert.deepEqual(create.security, [{ apiKey: [] }, { bearer: [] }]);
  assert.match(create.description, /`operator` role/);
  assert.match(doc.paths['/api/v1/customers'].get.description, /`viewer` role/);
  assert.deepEqual(doc.paths['/health/live'].get.security, []);
});

test('credentials never reach the logs', async () => {
  await bss.app.inject({ method: 'GET', url: '/api/v1/customers', headers: bss.as('operator') });
  await bss.app.inject({ method: 'GET', url: '/api/v1/customers', headers: { 'x-api-key': 'bss_wrong_secret' } });
  assert.ok(log.text().includes('incoming request'), 'the logger saw the requests');
  assert.ok(!log.text().includes(bss.keys.operator.plaintext));
  assert.ok(!log.text().includes('bss_wrong_secret'));
});

async function sign(
  privateKey: CryptoKey,
  claims: JWTPayload,
  exp: string | number = '5m',
  issuer = 'https://id.test/',
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject('alice')
    .setIssuer(issuer)
    .setExpirationTime(exp)
    .sign(privateKey);
}

test('JWT bearer tokens: role claim decides; expired or wrong issuer is 401; no role is 403', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwtApp = await composedApp({
    BSS_JWT_PUBLIC_KEY: await exportSPKI(publicKey),
    BSS_JWT_ISSUER: 'https://id.test/',
    BSS_JWT_ROLE_CLAIM: 'role',
  });
  try {
    const call = async (token: string, method: 'GET' | 'POST' = 'POST') =>
      jwtApp.app.inject({
        method,
        url: '/api/v1/customers',
        headers: { authorization: `Bearer ${token}` },
        ...(method === 'POST' ? { payload: customerBody(`cus_jwt_${Math.random().toString(36).slice(2)}`) } : {}),
      });

    const operator = await call(await sign(privateKey, { role: 'operator' }));
    assert.equal(operator.statusCode, 201, operator.body);
    const viewer = await call(await sign(privateKey, { role: 'viewer' }));
    assert.equal(viewer.statusCode, 403);
    assert.equal(viewer.headers['www-authenticate'], 'Bearer realm="bss", error="insufficient_scope"');
    assert.equal((await call(await sign(privateKey, { role: 'viewer' }), 'GET')).statusCode, 200);
    assert.equal((await call(await sign(privateKey, {}), 'GET')).statusCode, 403, 'no BSS role');

    const expired = await call(await sign(privateKey, { role: 'admin' }, Math.floor(Date.now() / 1000) - 3600));
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().code, 'UNAUTHENTICATED');
    assert.equal(expired.headers['www-authenticate'], 'ApiKey realm="bss", Bearer realm="bss", error="invalid_token"');
    const wrongIssuer = await call(await sign(privateKey, { role: 'admin' }, '5m', 'https://other.test/'));
    assert.equal(wrongIssuer.statusCode, 401);

    const missing = await jwtApp.app.inject({ method: 'GET', url: '/api/v1/customers' });
    assert.equal(missing.headers['www-authenticate'], 'ApiKey realm="bss", Bearer realm="bss"');
  } finally {
    await jwtApp.close();
  }
});
