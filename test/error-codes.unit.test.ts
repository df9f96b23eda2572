// One error family: the domain's rejections are BssErrors whose kind fixes the status, Fastify's own
// 4xx codes become codes of the closed set, and the set names no code the service never sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BssError } from '../src/errors.ts';
import { ERROR_CODES, isErrorCode } from '../src/error-codes.ts';
import { conflict, invalid, missing } from '../src/domain/index.ts';
import { frameworkCode } from '../src/api/plugins/problem.ts';

test('a domain rejection is a BssError whose kind gives its status', () => {
  const cases = [
    [invalid('INVALID_EMAIL', 'bad', 'email'), 422],
    [conflict('INVALID_TRANSITION', 'no'), 409],
    [missing('CUSTOMER_NOT_FOUND', 'none'), 404],
  ] as const;
  for (const [rejection, status] of cases) {
    assert.ok(rejection instanceof BssError);
    assert.equal(rejection.status, status);
    assert.equal(rejection.retryable, false);
  }
});

test("Fastify's own codes map into the closed set; an unknown one is BAD_REQUEST", () => {
  assert.equal(frameworkCode('FST_ERR_CTP_INVALID_MEDIA_TYPE'), 'CTP_INVALID_MEDIA_TYPE');
  assert.equal(frameworkCode('FST_ERR_SOMETHING_NEW'), 'BAD_REQUEST');
  assert.equal(frameworkCode(undefined), 'BAD_REQUEST');
  assert.equal(isErrorCode('toString'), false);
});

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts') && !path.endsWith('error-codes.ts')) yield path;
  }
}

test('every code of the set is sent somewhere (Fastify sends the CTP_ ones)', () => {
  const source = [...sourceFiles('src')].map((path) => readFileSync(path, 'utf8')).join('\n');
  const unused = Object.keys(ERROR_CODES).filter((code) => !code.startsWith('CTP_') && !source.includes(`'${code}'`));
  assert.deepEqual(unused, []);
});
