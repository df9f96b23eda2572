import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { loadConfig, type JwtConfig } from '../../../src/config.ts';
import { createJwtVerifier, roleFromClaim } from '../../../src/application/auth/jwt.ts';
import { BssError } from '../../../src/errors.ts';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'bss-api';

async function keyPair() {
  return generateKeyPair('ES256', { extractable: true });
}

function sign(privateKey: CryptoKey, claims: JWTPayload, options: { exp?: string | number; kid?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', ...(options.kid ? { kid: options.kid } : {}) })
    .setSubject('user-42')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(privateKey);
}

async function publicKeyConfig(publicKey: CryptoKey, env: Record<string, string> = {}): Promise<JwtConfig> {
  const config = loadConfig({
    BSS_JWT_PUBLIC_KEY: await exportSPKI(publicKey),
    BSS_JWT_ISSUER: ISSUER,
    BSS_JWT_AUDIENCE: AUDIENCE,
    ...env,
  });
  assert.ok(config.jwt);
  return config.jwt;
}

test('a valid token gives its subject and the highest BSS role in the roles claim', async () => {
  const { publicKey, privateKey } = await keyPair();
  const verifier = createJwtVerifier(await publicKeyConfig(publicKey));
  const result = await verifier.verify(await sign(privateKey, { roles: ['offline_access', 'viewer', 'operator'] }));
  assert.deepEqual(result, { ok: true, identity: { subject: 'user-42', role: 'operator' } });
});

test('the role claim is configurable and may be a single string', async () => {
  const { publicKey, privateKey } = await keyPair();
  const verifier = createJwtVerifier(await publicKeyConfig(publicKey, { BSS_JWT_ROLE_CLAIM: 'bss_role' }));
  const result = await verifier.verify(await sign(privateKey, { bss_role: 'admin', roles: ['viewer'] }));
  assert.equal(result.ok && result.identity.role, 'admin');
  const none = await verifier.verify(await sign(privateKey, { roles: ['admin'] }));
  assert.equal(none.ok && none.identity.role, null, 'another claim does not count');
});

test('roleFromClaim ignores names that are not BSS roles', () => {
  assert.equal(roleFromClaim(['superuser', 'viewer']), 'viewer');
  assert.equal(roleFromClaim('viewer admin'), 'admin');
  assert.equal(roleFromClaim(42), null);
  assert.equal(roleFromClaim(undefined), null);
});

test('expired, wrong issuer, wrong audience, foreign signature and missing subject are refused', async () => {
  const { publicKey, privateKey } = await keyPair();
  const other = await keyPair();
  const verifier = createJwtVerifier(await publicKeyConfig(publicKey));
  const now = Math.floor(Date.now() / 1000);
  const refused = {
    expired: await sign(privateKey, { roles: ['admin'] }, { exp: now - 3600 }),
    'wrong issuer': await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u')
      .setIssuer('https://evil.example.test/')
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey),
    'wrong audience': await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u')
      .setIssuer(ISSUER)
      .setAudience('another-api')
      .setExpirationTime('5m')
      .sign(privateKey),
    'foreign signature': await sign(other.privateKey, { roles: ['admin'] }),
    'no subject': await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey),
    'no expiry': await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(privateKey),
    'HMAC with the public key as secret': await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(await exportSPKI(publicKey))),
    'not a JWT': 'abc.def.ghi',
  };
  for (const [what, token] of Object.entries(refused)) {
    const result = await verifier.verify(token);
    assert.equal(result.ok, false, what);
  }
});

test('JWKS: keys are fetched from the URL; an unreachable key set is a 503, not a refused token', async () => {
  const { publicKey, privateKey } = await keyPair();
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const config = loadConfig({ BSS_JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, BSS_JWT_ISSUER: ISSUER });
    assert.ok(config.jwt);
    const verifier = createJwtVerifier(config.jwt);
    const result = await verifier.verify(await sign(privateKey, { roles: ['viewer'] }, { kid: 'k1' }));
    assert.deepEqual(result, { ok: true, identity: { subject: 'user-42', role: 'viewer' } });
    const unknownKid = await verifier.verify(await sign(privateKey, { roles: ['viewer'] }, { kid: 'k2' }));
    assert.equal(unknownKid.ok, false);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }

  const down = loadConfig({ BSS_JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
  assert.ok(down.jwt);
  await assert.rejects(
    createJwtVerifier(down.jwt).verify(await sign(privateKey, { roles: ['viewer'] }, { kid: 'k1' })),
    (error: unknown) => error instanceof BssError && error.status === 503 && error.retryable,
  );
});
