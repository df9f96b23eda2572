// Duplicate emails, as the API answers them on either database: one customer per address
// (case-insensitive) with 409 EMAIL_TAKEN naming the holder, unless allowDuplicateEmail; an email
// change claims the new address; concurrent creates with one address give one 201 and one 409.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { customerBody } from '../../support/customers.ts';

type Send = (options: InjectOptions) => Promise<LightMyRequestResponse>;

const body = (customerId: string, email: string, extra: object = {}) => ({
  ...customerBody(customerId),
  email,
  ...extra,
});

export async function duplicateEmailRules(send: Send, prefix: string): Promise<void> {
  const create = (id: string, email: string, extra?: object) =>
    send({ method: 'POST', url: '/api/v1/customers', payload: body(`${prefix}${id}`, email, extra) });
  const email = `${prefix}home@example.com`;

  assert.equal((await create('a', email)).statusCode, 201);
  const taken = await create('b', email.toUpperCase());
  assert.equal(taken.statusCode, 409, taken.body);
  const problem = taken.json();
  assert.equal(problem.code, 'EMAIL_TAKEN');
  assert.match(problem.detail, new RegExp(`customer ${prefix}a`));
  assert.deepEqual(
    problem.errors.map((e: { field: string }) => e.field),
    ['/body/email'],
  );
  // A family member with their own account may share the address.
  assert.equal((await create('b', email, { allowDuplicateEmail: true })).statusCode, 201);

  // Changing an email claims the new address and frees the old one.
  const other = `${prefix}work@example.com`;
  assert.equal((await create('c', other)).statusCode, 201);
  const patch = (id: string, address: string) =>
    send({ method: 'PATCH', url: `/api/v1/customers/${prefix}${id}`, payload: { email: address } });
  assert.equal((await patch('c', email)).json().code, 'EMAIL_TAKEN');
  assert.equal((await patch('a', `${prefix}new@example.com`)).statusCode, 200);
  assert.equal((await patch('c', email)).statusCode, 200);
  assert.equal((await create('d', `${prefix}work@example.com`)).statusCode, 201);
}

/** Each round: two creates with one new address at once (through `senders`, maybe two instances). */
export async function concurrentCreates(senders: readonly Send[], prefix: string, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const email = `${prefix}race${round}@example.com`;
    const responses = await Promise.all(
      senders.map((send, i) =>
        send({ method: 'POST', url: '/api/v1/customers', payload: body(`${prefix}r${round}_${i}`, email) }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 409], responses.map((r) => r.body).join('\n'));
    assert.equal(responses.find((r) => r.statusCode === 409)?.json().code, 'EMAIL_TAKEN');
  }
}
