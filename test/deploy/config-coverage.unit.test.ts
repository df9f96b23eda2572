// Every configuration variable src/config.ts reads is settable in each deployment: the Helm chart's
// values (ConfigMap `config` or Secret `secrets`) and deploy/compose.yaml (the BSS instances, or the
// billing job for the variables only a client reads). A variable added to config.ts without a place
// in both fails here; so does a stale name there that config.ts no longer reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Read by the CLI only (a client of the service), never by src/main.ts. */
const CLIENT_ONLY = ['BSS_URL', 'BSS_API_KEY', 'BSS_PUSHGATEWAY_URL'];

function configVariables(): string[] {
  const names = new Set([...read('src/config.ts').matchAll(/'(BSS_[A-Z0-9_]+)'/g)].map((m) => m[1] as string));
  return [...names].sort();
}

interface ComposeService {
  environment?: Record<string, string | number | null>;
}

test('src/config.ts reads the variables this test knows about (the extraction works)', () => {
  const names = configVariables();
  assert.ok(names.length >= 35, `only ${names.length} BSS_* names found in src/config.ts`);
  for (const name of ['BSS_DATABASE_URL', 'BSS_KAFKA_BROKERS', 'BSS_TEST_CLOCK', ...CLIENT_ONLY]) {
    assert.ok(names.includes(name), `${name} not found in src/config.ts`);
  }
});

test('every BSS_* variable of src/config.ts is in the Helm chart values (ConfigMap or Secret), and no other', () => {
  const values = parseYaml(read('deploy/helm/bss/values.yaml')) as {
    config: Record<string, string>;
    secrets: Record<string, string>;
  };
  const inChart = [...Object.keys(values.config), ...Object.keys(values.secrets)];
  const both = Object.keys(values.config).filter((k) => k in values.secrets);
  assert.deepEqual(both, [], 'a variable is in both config and secrets');
  assert.deepEqual([...inChart].sort(), configVariables());
  // the templates take every key: the ConfigMap and Secret range over the maps
  assert.match(read('deploy/helm/bss/templates/configmap.yaml'), /range \$name, \$value := \.Values\.config/);
  assert.match(read('deploy/helm/bss/templates/secret.yaml'), /range \$name, \$value := \.Values\.secrets/);
});

test('every BSS_* variable of src/config.ts is set in deploy/compose.yaml, and no other', () => {
  const compose = parseYaml(read('deploy/compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const service = (name: string) =>
    Object.keys(compose.services[name]?.environment ?? {}).filter((k) => k.startsWith('BSS_'));
  for (const instance of ['bss-1', 'bss-2']) {
    const expected = configVariables().filter((v) => !CLIENT_ONLY.includes(v));
    assert.deepEqual(service(instance).sort(), expected, `${instance}'s environment`);
  }
  assert.deepEqual(service('billing').sort(), configVariables(), "the billing job's environment");
});
