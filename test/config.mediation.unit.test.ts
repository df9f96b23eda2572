import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeConfig, loadConfig, loadMediationClientConfig } from '../src/config.ts';

const distributed = { BSS_DATABASE_URL: 'postgres://bss@db/bss', BSS_KAFKA_BROKERS: 'k:9092' };

test('the mediation feed is on in distributed mode, off otherwise, with prefixed topic and group', () => {
  assert.deepEqual(loadConfig(distributed).mediation, {
    enabled: true,
    topic: 'bss.usage.mediation',
    group: 'bss-mediation',
  });
  assert.equal(loadConfig({}).mediation.enabled, false);
  assert.equal(loadConfig({ BSS_DATABASE_URL: 'postgres://bss@db/bss' }).mediation.enabled, false);
  const prefixed = loadConfig({ ...distributed, BSS_TOPIC_PREFIX: 'staging.', BSS_MEDIATION_TOPIC: 'cdrs' });
  assert.deepEqual(prefixed.mediation, { enabled: true, topic: 'staging.cdrs', group: 'staging.bss-mediation' });
  assert.equal(loadConfig({ ...distributed, BSS_MEDIATION_CONSUMER: 'off' }).mediation.enabled, false);
});

test('a feed without Kafka, or a bad name, is refused naming the variable', () => {
  for (const [variable, value, env] of [
    ['BSS_MEDIATION_CONSUMER', 'on', {}],
    ['BSS_MEDIATION_CONSUMER', 'yes', distributed],
    ['BSS_MEDIATION_TOPIC', 'bad topic', distributed],
    ['BSS_MEDIATION_GROUP', 'a/b', distributed],
  ] as const) {
    assert.throws(
      () => loadConfig({ ...env, [variable]: value }),
      (error: unknown) => error instanceof ConfigError && error.variable === variable,
      `${variable}=${value}`,
    );
  }
});

test('bss config prints the feed settings; bss load finds the same topic and group', () => {
  const rows = describeConfig(loadConfig({ ...distributed, BSS_TOPIC_PREFIX: 'p.' }));
  assert.equal(rows['BSS_MEDIATION_CONSUMER'], 'on');
  assert.match(
    rows['BSS_MEDIATION_TOPIC'] ?? '',
    /^p\.bss\.usage\.mediation \(dead letters: p\.bss\.usage\.mediation\.dlq\)$/,
  );
  assert.equal(rows['BSS_MEDIATION_GROUP'], 'p.bss-mediation');
  assert.match(describeConfig(loadConfig({}))['BSS_MEDIATION_CONSUMER'] ?? '', /off \(no Kafka/);
  assert.deepEqual(loadMediationClientConfig(undefined, { BSS_KAFKA_BROKERS: 'k:9092', BSS_TOPIC_PREFIX: 'p.' }), {
    brokers: ['k:9092'],
    topic: 'p.bss.usage.mediation',
    group: 'p.bss-mediation',
  });
  // `bss load --brokers` wins over the variable; the prefix still comes from the environment.
  assert.deepEqual(loadMediationClientConfig('f:1,g:2', { BSS_KAFKA_BROKERS: 'k:9092', BSS_TOPIC_PREFIX: 'p.' }), {
    brokers: ['f:1', 'g:2'],
    topic: 'p.bss.usage.mediation',
    group: 'p.bss-mediation',
  });
});
