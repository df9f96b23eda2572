// No secrets or personal data in the log: a full journey (a customer with email, phone and address,
// searched by them; a key created and used; an order, payments; bearer tokens good and bad; errors 400,
// 401, 404, 409, 413, 429) on the composed app with every log line captured at trace level, then every
// line is scanned for the email, phone, street, postal code, key secrets and tokens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { composedApp, type ComposedApp } from '../support/composed-app.ts';
import { createLogger } from '../../src/observability/logger.ts';

const EMAIL = 'maria.secret-person@privacy.example';
const PHONE = '+48601999777';
const STREET = 'Geheimgasse 77';
const POSTAL = '9999';
const NEW_EMAIL = 'maria.changed-address@privacy.example';

let bss: ComposedApp;
let lines: string[] = [];
let token: string;
let forged: string;

before(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const sign = (key: CryptoKey) =>
    new SignJWT({ roles: ['operator'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('privacy-operator')
      .setExpirationTime('15m')
      .sign(key);
  token = await sign(privateKey);
  forged = await sign(other.privateKey);
  bss = await composedApp(
    { BSS_JWT_PUBLIC_KEY: await exportSPKI(publicKey), BSS_RATE_LIMIT_MAX: '200', BSS_BODY_LIMIT_BYTES: '4096' },
    { logger: createLogger('trace', sink) },
  );
  lines = [];
});
after(() => bss.close());

test('a full journey logs no email, phone, address, key secret or token', async () => {
  const admin = bss.as('admin');
  const send = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: unknown) =>
    bss.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  const customer = {
    customerId: 'cus_privacy',
    firstName: 'Maria',
    lastName: 'Privat',
    email: EMAIL,
    phone: PHONE,
    address: { line1: STREET, city: 'Wien', postalCode: POSTAL, country: 'AT' },
  };
  const statuses: Record<string, number> = {};
  const step = async (name: string, response: Promise<{ statusCode: number }>) => {
    statuses[name] = (await response).statusCode;
  };

  const created = await send('POST', '/api/v1/keys', admin, { role: 'operator', name: 'privacy' });
  assert.equal(created.statusCode, 201, created.body);
  const secret = created.json().key as string;
  const operator = { 'x-api-key': secret };
  const bearer = { authorization: `Bearer ${token}` };

  await step('create', send('POST', '/api/v1/customers', { ...operator, 'idempotency-key': 'privacy-1' }, customer));
  await step('replayed', send('POST', '/api/v1/customers', { ...operator, 'idempotency-key': 'privacy-1' }, customer));
  await step('duplicate 409', send('POST', '/api/v1/customers', operator, customer));
  await step('bad email 400', send('POST', '/api/v1/customers', operator, { ...customer, email: `${PHONE} not mail` }));
  await step('search email', send('GET', `/api/v1/customers/search?q=${encodeURIComponent(EMAIL)}`, operator));
  await step('search phone', send('GET', `/api/v1/customers/search?q=${encodeURIComponent(PHONE)}`, bearer));
  await step('read', send('GET', '/api/v1/customers/cus_privacy', bearer));
  await step('patch', send('PATCH', '/api/v1/customers/cus_privacy', operator, { email: NEW_EMAIL }));
  await step('unknown 404', send('GET', `/api/v1/customers/${encodeURIComponent(EMAIL)}`, operator));
  await step(
    'order',
    send('POST', '/api/v1/orders', operator, { customerId: 'cus_privacy', items: [{ planId: 'basic' }] }),
  );
  const payment = { paymentId: 'pay_privacy', customerId: 'cus_privacy', amount: { amount: 500, currency: 'EUR' } };
  await step('pay', send('POST', '/api/v1/payments', operator, { ...payment, method: 'card', reference: 'AUTH-1' }));
  await step('capture', send('POST', '/api/v1/payments/pay_privacy/capture', operator, {}));
  await step('pay again 409', send('POST', '/api/v1/payments', operator, { ...payment, method: 'card' }));
  await step('forged 401', send('GET', '/api/v1/customers', { authorization: `Bearer ${forged}` }));
  await step('wrong key 401', send('GET', '/api/v1/customers', { 'x-api-key': `${secret}x` }));
  await step('too large 413', send('POST', '/api/v1/customers', operator, { ...customer, lastName: 'x'.repeat(5000) }));
  await step('revoke', send('POST', `/api/v1/keys/${created.json().keyId}/revoke`, admin, {}));

  assert.deepEqual(statuses, {
    create: 201,
    replayed: 201,
    'duplicate 409': 409,
    'bad email 400': 400,
    'search email': 200,
    'search phone': 200,
    read: 200,
    patch: 200,
    'unknown 404': 404,
    order: 201,
    pay: 201,
    capture: 200,
    'pay again 409': 409,
    'forged 401': 401,
    'wrong key 401': 401,
    'too large 413': 413,
    revoke: 200,
  });
  assert.ok(lines.length > 30, `${lines.length} log lines`);
  const secrets = {
    email: EMAIL,
    'email (encoded)': encodeURIComponent(EMAIL),
    'new email': NEW_EMAIL,
    phone: PHONE,
    'phone digits': PHONE.slice(1),
    street: STREET,
    'street (encoded)': 'Geheimgasse',
    'key secret': secret,
    'admin key': admin['x-api-key'] as string,
    'bearer token': token,
    'forged token': forged,
    'token signature': token.split('.')[2] as string,
  };
  for (const line of lines) {
    for (const [what, value] of Object.entries(secrets)) {
      assert.ok(!line.includes(value), `the log holds the ${what}: ${line}`);
    }
  }
});

test('every line a request logs names its client address', () => {
  const requestLines = lines.map(
    (line) => JSON.parse(line) as { reqId?: string; remoteAddress?: string; msg?: string },
  );
  const completed = requestLines.filter((l) => l.msg === 'request completed');
  assert.ok(completed.length > 10, `${completed.length} completed requests`);
  for (const line of requestLines.filter((l) => l.reqId !== undefined))
    assert.equal(line.remoteAddress, '127.0.0.1', JSON.stringify(line));
});
