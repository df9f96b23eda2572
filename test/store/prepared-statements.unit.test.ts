import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStatementNamer } from '../../src/store/prepared-statements.ts';

test('a text gets a name at its fifth run and keeps it; another text gets another name', () => {
  const nameOf = createStatementNamer();
  const runs = Array.from({ length: 7 }, () => nameOf('SELECT $1'));
  assert.deepEqual(runs, [undefined, undefined, undefined, undefined, 'bss_1', 'bss_1', 'bss_1']);
  for (let i = 0; i < 4; i++) assert.equal(nameOf('SELECT $2'), undefined);
  assert.equal(nameOf('SELECT $2'), 'bss_2');
});

test('past its capacity the namer leaves new texts unnamed and keeps the names it gave', () => {
  const nameOf = createStatementNamer({ threshold: 1, capacity: 2 });
  assert.equal(nameOf('a'), 'bss_1');
  assert.equal(nameOf('b'), 'bss_2');
  assert.equal(nameOf('c'), undefined);
  assert.equal(nameOf('c'), undefined);
  assert.equal(nameOf('a'), 'bss_1');
});

test('texts that never repeat do not grow the count past its bound; a repeated one is still named', () => {
  const nameOf = createStatementNamer({ threshold: 2, maxCounted: 100 });
  for (let i = 0; i < 10_000; i++) assert.equal(nameOf(`SELECT ${i}`), undefined);
  assert.equal(nameOf('SELECT $1'), undefined);
  assert.equal(nameOf('SELECT $1'), 'bss_1');
});
