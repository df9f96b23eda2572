// The customer API's error contract on the real composed app: ETag / If-Match, validation naming each
// field, 404, 409 for invalid lifecycle transitions, 422 for domain-invalid values. Nothing is 5xx.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { composedAppPerFile } from '../../../support/composed-app.ts';
import { customerBody } from '../../../support/customers.ts';

const seen: LightMyRequestResponse[] = [];
const bss = composedAppPerFile();
afterEach(() => {
  for (const response of seen.splice(0)) assert.ok(response.statusCode < 500, response.body);
});

async function call(options: InjectOptions): Promise<LightMyRequestResponse> {
  const response = await bss.app.inject({ ...options, headers: { ...bss.as('operator'), ...options.headers } });
  seen.push(response);
  return response;
}

async function created(id: string): Promise<LightMyRequestResponse> {
  const response = await call({ method: 'POST', url: '/api/v1/customers', payload: customerBody(id) });
  assert.equal(response.statusCode, 201, response.body);
  return response;
}

const fieldsOf = (response: LightMyRequestResponse): string[] =>
  (response.json().errors as Array<{ field: string }>).map((e) => e.field).sort();

test('create answers 201 with Location and ETag; GET returns the same ETag', async () => {
  const response = await created('cus_etag');
  assert.equal(response.headers.location, '/api/v1/customers/cus_etag');
  assert.equal(response.headers.etag, '"1"');
  const get = await call({ method: 'GET', url: '/api/v1/customers/cus_etag' });
  assert.equal(get.headers.etag, '"1"');
  assert.equal(get.json().status, 'ACTIVE');
});

test('If-Match (RFC 9110 §13.1.1): current version applies, a well-formed tag that does not match is 412, a malformed field 400', async () => {
  await created('cus_if_match');
  const url = '/api/v1/customers/cus_if_match';
  const current = await call({ method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { phone: '+43660111' } });
  assert.equal(current.statusCode, 200, current.body);
  assert.equal(current.headers.etag, '"2"');

  const stale = await call({ method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { phone: '+43660222' } });
  assert.equal(stale.statusCode, 412);
  assert.match(String(stale.headers['content-type']), /^application\/problem\+json/);
  assert.equal(stale.json().code, 'PRECONDITION_FAILED');
  // Well-formed but never matching: a tag this API did not issue, a weak tag (If-Match compares strongly,
  // even W/"2" against the current "2"), a list of stale tags.
  for (const header of ['"stale-etag"', '"abc"', 'W/"2"', '"7", "9"', '"a,b"', '""']) {
    const failed = await call({ method: 'POST', url: `${url}/suspend`, headers: { 'if-match': header }, payload: {} });
    assert.equal(failed.statusCode, 412, header);
    assert.equal(failed.json().code, 'PRECONDITION_FAILED', header);
  }
  assert.equal((await call({ method: 'GET', url })).json().phone, '+43660111', 'nothing applied');

  for (const header of ['1', 'garbage"', '"1" "2"', 'W/1', '"1",x', ' , ', 'w/"2"']) {
    const invalid = await call({
      method: 'PATCH',
      url,
      headers: { 'if-match': header },
      payload: { phone: '+43660333' },
    });
    assert.equal(invalid.statusCode, 400, header);
    assert.equal(invalid.json().code, 'INVALID_IF_MATCH');
    assert.deepEqual(fieldsOf(invalid), ['/headers/if-match']);
  }
  // A list matches when any of its strong tags does; empty list elements are allowed.
  const listed = await call({
    method: 'PATCH',
    url,
    headers: { 'if-match': '"9", , "2"' },
    payload: { phone: '+43660555' },
  });
  assert.equal(listed.statusCode, 200, listed.body);
  const any = await call({ method: 'PATCH', url, headers: { 'if-match': '*' }, payload: { phone: '+43660444' } });
  assert.equal(any.statusCode, 200);
});

test('wrong types, unknown fields and missing fields are 400 with errors[] naming each field', async () => {
  const body = customerBody('cus_invalid') as Record<string, unknown>;
  const wrongTypes = await call({
    method: 'POST',
    url: '/api/v1/customers',
    payload: { ...body, firstName: 5, address: { ...customerBody('x').address, postalCode: 1010 } },
  });
  assert.equal(wrongTypes.statusCode, 400);
  assert.equal(wrongTypes.json().code, 'VALIDATION_FAILED');
  assert.deepEqual(fieldsOf(wrongTypes), ['/body/address/postalCode', '/body/firstName']);

  const unknown = await call({ method: 'POST', url: '/api/v1/customers', payload: { ...body, nickname: 'Ann' } });
  assert.equal(unknown.statusCode, 400);
  assert.deepEqual(unknown.json().errors, [{ field: '/body/nickname', message: 'unknown field' }]);

  const { email: _email, lastName: _lastName, ...partial } = body;
  const missing = await call({ method: 'POST', url: '/api/v1/customers', payload: partial });
  assert.equal(missing.statusCode, 400);
  assert.deepEqual(fieldsOf(missing), ['/body/email', '/body/lastName']);

  const emptyPatch = await call({ method: 'PATCH', url: '/api/v1/customers/cus_invalid', payload: {} });
  assert.equal(emptyPatch.statusCode, 400);
});

test('an unknown customer is 404 for reads and writes', async () => {
  const get = await call({ method: 'GET', url: '/api/v1/customers/cus_nobody' });
  assert.equal(get.statusCode, 404);
  assert.equal(get.json().code, 'NOT_FOUND');
  const suspend = await call({ method: 'POST', url: '/api/v1/customers/cus_nobody/suspend', payload: {} });
  assert.equal(suspend.statusCode, 404);
  const patch = await call({ method: 'PATCH', url: '/api/v1/customers/cus_nobody', payload: { phone: '+43660555' } });
  assert.equal(patch.statusCode, 404);
});

test('an invalid lifecycle transition is 409: resume an ACTIVE customer, create an existing one', async () => {
  await created('cus_lifecycle');
  const resume = await call({ method: 'POST', url: '/api/v1/customers/cus_lifecycle/resume', payload: {} });
  assert.equal(resume.statusCode, 409);
  assert.match(String(resume.headers['content-type']), /^application\/problem\+json/);
  const again = await call({ method: 'POST', url: '/api/v1/customers', payload: customerBody('cus_lifecycle') });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().code, 'CUSTOMER_ALREADY_EXISTS');
  const suspend = await call({ method: 'POST', url: '/api/v1/customers/cus_lifecycle/suspend', payload: {} });
  assert.equal(suspend.statusCode, 200);
  assert.equal(suspend.json().status, 'SUSPENDED');
});

test('a phone that is not E.164 is 400 naming the field: the schema states the rule', async () => {
  const response = await call({
    method: 'POST',
    url: '/api/v1/customers',
    payload: { ...customerBody('cus_bad_phone'), phone: '0660 123' },
  });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().code, 'VALIDATION_FAILED');
  assert.deepEqual([...new Set(fieldsOf(response))], ['/body/phone']);
  assert.ok(response.json().errors.some((e: { message: string }) => e.message.includes('pattern')));
});

test('an empty or blank line2 is no second line', async () => {
  for (const [id, line2] of [
    ['cus_line2_empty', ''],
    ['cus_line2_blank', '  '],
  ] as const) {
    const body = customerBody(id);
    const response = await call({
      method: 'POST',
      url: '/api/v1/customers',
      payload: { ...body, address: { ...body.address, line2 } },
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().address.line2, null);
  }
});
