// The README's configuration table lists every variable `bss config` prints (describeConfig), and
// nothing else: a variable added to src/config.ts without a line in the table fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describeConfig, loadConfig } from '../src/config.ts';

test('the README configuration table and `bss config` name the same variables', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? '';
  const inTable = section
    .split('\n')
    .flatMap((line) => /^\| `(BSS_[A-Z0-9_]+)`/.exec(line)?.[1] ?? [])
    .sort();
  const printed = Object.keys(describeConfig(loadConfig({})))
    .filter((name) => name.startsWith('BSS_'))
    .sort();
  assert.ok(printed.length > 30, `${printed.length} variables printed`);
  assert.deepEqual(inTable, printed);
});
