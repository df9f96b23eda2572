import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../src/config.ts';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function rejects(env: Record<string, string>, variable: string, accepted: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => error instanceof ConfigError && error.variable === variable && accepted.test(error.message),
  );
}

test('without a JWKS URL or public key, bearer tokens are off', () => {
  assert.equal(loadConfig({}).jwt, undefined);
  assert.match(describeConfig(loadConfig({}))['BSS_JWT_ROLE_CLAIM'] ?? '', /bearer tokens off/);
});

test('BSS_JWT_PUBLIC_KEY takes PEM text, also with \\n escapes on one line', () => {
  const inline = loadConfig({ BSS_JWT_PUBLIC_KEY: PEM, BSS_JWT_AUDIENCE: 'a, b' }).jwt;
  assert.equal(inline?.publicKeyPem?.trim(), PEM.trim());
  assert.deepEqual(inline?.audience, ['a', 'b']);
  assert.equal(inline?.roleClaim, 'roles');
  const escaped = loadConfig({ BSS_JWT_PUBLIC_KEY: PEM.trim().replaceAll('\n', '\\n') }).jwt;
  assert.equal(escaped?.publicKeyPem, PEM.trim());
  assert.equal(describeConfig(loadConfig({ BSS_JWT_PUBLIC_KEY: PEM }))['BSS_JWT_PUBLIC_KEY'], '(set: inline PEM)');
});

test('BSS_JWT_PUBLIC_KEY takes the path of a PEM file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bss-jwt-'));
  try {
    const path = join(dir, 'idp.pem');
    await writeFile(path, PEM);
    const config = loadConfig({ BSS_JWT_PUBLIC_KEY: path, BSS_JWT_ISSUER: 'https://id.example.test/' });
    assert.equal(config.jwt?.publicKeyPem, PEM);
    assert.equal(config.jwt?.issuer, 'https://id.example.test/');
    assert.equal(describeConfig(config)['BSS_JWT_PUBLIC_KEY'], `(set: file ${path})`);
    rejects({ BSS_JWT_PUBLIC_KEY: join(dir, 'missing.pem') }, 'BSS_JWT_PUBLIC_KEY', /readable PEM file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad JWT settings stop start-up naming the variable', () => {
  rejects(
    { BSS_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----' },
    'BSS_JWT_PUBLIC_KEY',
    /PEM/,
  );
  rejects({ BSS_JWT_PUBLIC_KEY: PRIVATE_PEM }, 'BSS_JWT_PUBLIC_KEY', /never the private key/);
  rejects({ BSS_JWT_JWKS_URL: 'ftp://id.example.test/jwks' }, 'BSS_JWT_JWKS_URL', /https:\/\//);
  rejects(
    { BSS_JWT_JWKS_URL: 'https://id.example.test/jwks', BSS_JWT_PUBLIC_KEY: PEM },
    'BSS_JWT_PUBLIC_KEY',
    /choose one/,
  );
  rejects({ BSS_JWT_ISSUER: 'https://id.example.test/' }, 'BSS_JWT_ISSUER', /BSS_JWT_JWKS_URL or BSS_JWT_PUBLIC_KEY/);
  rejects({ BSS_JWT_AUDIENCE: 'bss' }, 'BSS_JWT_AUDIENCE', /BSS_JWT_JWKS_URL or BSS_JWT_PUBLIC_KEY/);
});

test('a private key is not echoed in the error, and a JWKS URL password is masked', () => {
  assert.throws(
    () => loadConfig({ BSS_JWT_PUBLIC_KEY: PRIVATE_PEM }),
    (error: Error) => !error.message.includes(PRIVATE_PEM.split('\n')[1] ?? 'x'),
  );
  const rows = describeConfig(loadConfig({ BSS_JWT_JWKS_URL: 'https://bss:hunter2@id.example.test/jwks' }));
  assert.ok(!JSON.stringify(rows).includes('hunter2'));
});
