import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeConfig, loadConfig } from '../src/config.ts';

test('BSS_CACHE_PREFIX defaults to bss: plus the schema and topic prefix, so instance groups sharing Redis differ', () => {
  assert.equal(loadConfig({}).cachePrefix, 'bss:');
  assert.equal(loadConfig({ BSS_DATABASE_SCHEMA: 'tenant_a' }).cachePrefix, 'bss:tenant_a:');
  assert.equal(
    loadConfig({ BSS_DATABASE_SCHEMA: 'tenant_a', BSS_TOPIC_PREFIX: 'staging.' }).cachePrefix,
    'bss:tenant_a:staging.:',
  );
  assert.equal(loadConfig({ BSS_CACHE_PREFIX: 'prod:eu-1:' }).cachePrefix, 'prod:eu-1:');
  assert.equal(describeConfig(loadConfig({ BSS_CACHE_PREFIX: 'x:' }))['BSS_CACHE_PREFIX'], 'x:');
});

test('a BSS_CACHE_PREFIX with spaces, globs or too long is refused, naming the variable', () => {
  for (const bad of ['a b', 'bss:*', 'x'.repeat(101)]) {
    assert.throws(
      () => loadConfig({ BSS_CACHE_PREFIX: bad }),
      (error: unknown) => error instanceof ConfigError && error.message.includes('BSS_CACHE_PREFIX'),
    );
  }
});
