import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as customer from '../../../src/domain/customer/index.ts';
import type { CustomerEvent, CreateCustomer } from '../../../src/domain/customer/index.ts';
import { specFor } from '../given-when-then.ts';

const spec = specFor(customer);
const customerId = 'cus-1';
const address = { line1: 'ul. Marszałkowska 1', line2: null, city: 'Warszawa', postalCode: '00-001', country: 'PL' };

const create: CreateCustomer = {
  type: 'CreateCustomer',
  customerId,
  firstName: 'Anna',
  lastName: 'Kowalska',
  email: 'anna@example.pl',
  phone: '+48601234567',
  address,
  at: '2025-01-10T09:00:00Z',
};

const created: CustomerEvent = {
  type: 'customer.created',
  data: {
    customerId,
    firstName: 'Anna',
    lastName: 'Kowalska',
    email: 'anna@example.pl',
    phone: '+48601234567',
    address,
    at: '2025-01-10T09:00:00Z',
  },
};
const suspended: CustomerEvent = {
  type: 'customer.suspended',
  data: { customerId, reason: 'fraud check', at: '2025-02-01T00:00:00Z' },
};
const terminated: CustomerEvent = {
  type: 'customer.terminated',
  data: { customerId, reason: null, at: '2025-03-01T00:00:00Z' },
};

describe('customer: create', () => {
  it('creates an active customer', () => {
    spec.given([]).when(create).then([created]);
  });

  it('trims names and e-mail, defaults phone and address line2 to null', () => {
    const { line2: _line2, ...withoutLine2 } = address;
    const [event] = spec
      .given([])
      .when({ ...create, firstName: ' Anna ', email: ' anna@example.pl ', phone: undefined, address: withoutLine2 })
      .events();
    assert.deepEqual(event, { ...created, data: { ...created.data, phone: null } });
  });

  it('rejects a second create', () => {
    spec.given([created]).when(create).thenRejects('CUSTOMER_ALREADY_EXISTS', { kind: 'conflict' });
  });

  const invalidInputs: [string, Partial<CreateCustomer>, string, string][] = [
    ['an empty first name', { firstName: '  ' }, 'REQUIRED', 'firstName'],
    ['an empty last name', { lastName: '' }, 'REQUIRED', 'lastName'],
    ['a first name over 100 characters', { firstName: 'A'.repeat(101) }, 'TOO_LONG', 'firstName'],
    ['a malformed e-mail', { email: 'anna@example' }, 'INVALID_EMAIL', 'email'],
    ['an e-mail with spaces', { email: 'an na@example.pl' }, 'INVALID_EMAIL', 'email'],
    ['a phone not in E.164', { phone: '601 234 567' }, 'INVALID_PHONE', 'phone'],
    ['a missing address', { address: undefined }, 'REQUIRED', 'address'],
    ['an empty street', { address: { ...address, line1: '' } }, 'REQUIRED', 'address.line1'],
    ['an empty city', { address: { ...address, city: ' ' } }, 'REQUIRED', 'address.city'],
    ['an empty postal code', { address: { ...address, postalCode: '' } }, 'REQUIRED', 'address.postalCode'],
    ['a bad country', { address: { ...address, country: 'Poland' } }, 'INVALID_COUNTRY', 'address.country'],
    ['an impossible date', { at: '2025-02-30T10:00:00Z' }, 'INVALID_TIMESTAMP', 'at'],
    ['a time without offset', { at: '2025-01-10T09:00:00' }, 'INVALID_TIMESTAMP', 'at'],
    ['an empty id', { customerId: '' }, 'REQUIRED', 'customerId'],
  ];
  for (const [name, change, code, field] of invalidInputs) {
    it(`rejects ${name}`, () => {
      spec
        .given([])
        .when({ ...create, ...change } as CreateCustomer)
        .thenRejects(code, { field, kind: 'invalid' });
    });
  }
});

describe('customer: update contact', () => {
  const update = { type: 'UpdateCustomerContact', customerId, at: '2025-01-20T12:00:00Z' } as const;

  it('records the complete new contact', () => {
    spec
      .given([created])
      .when({ ...update, email: 'anna.k@example.pl' })
      .then([
        {
          type: 'customer.contactUpdated',
          data: { customerId, email: 'anna.k@example.pl', phone: '+48601234567', address, at: update.at },
        },
      ]);
  });

  it('removes the phone with phone: null and replaces the address', () => {
    const moved = { ...address, line1: 'ul. Długa 5', line2: 'm. 3' };
    spec
      .given([created])
      .when({ ...update, phone: null, address: moved })
      .then([
        {
          type: 'customer.contactUpdated',
          data: { customerId, email: 'anna@example.pl', phone: null, address: moved, at: update.at },
        },
      ]);
  });

  it('is allowed while suspended', () => {
    assert.equal(
      spec
        .given([created, suspended])
        .when({ ...update, phone: '+48700000000' })
        .events().length,
      1,
    );
  });

  it('emits nothing when the contact does not change', () => {
    spec
      .given([created])
      .when({ ...update, email: 'anna@example.pl', address: { ...address } })
      .thenNothing();
  });

  it('rejects an update without fields', () => {
    spec.given([created]).when(update).thenRejects('NOTHING_TO_UPDATE', { kind: 'invalid' });
  });

  it('rejects an invalid e-mail', () => {
    spec
      .given([created])
      .when({ ...update, email: 'nope' })
      .thenRejects('INVALID_EMAIL', { field: 'email' });
  });

  it('rejects an invalid phone', () => {
    spec
      .given([created])
      .when({ ...update, phone: '123' })
      .thenRejects('INVALID_PHONE', { field: 'phone' });
  });

  it('rejects an unknown customer', () => {
    spec
      .given([])
      .when({ ...update, email: 'a@b.pl' })
      .thenRejects('CUSTOMER_NOT_FOUND', { kind: 'not_found' });
  });

  it('rejects a terminated customer', () => {
    spec
      .given([created, terminated])
      .when({ ...update, email: 'a@b.pl' })
      .thenRejects('CUSTOMER_TERMINATED', { kind: 'conflict' });
  });
});

describe('customer: suspend, resume, terminate', () => {
  const at = '2025-02-01T00:00:00Z';

  it('suspends an active customer', () => {
    spec.given([created]).when({ type: 'SuspendCustomer', customerId, reason: 'fraud check', at }).then([suspended]);
  });

  it('rejects suspending a suspended customer', () => {
    spec
      .given([created, suspended])
      .when({ type: 'SuspendCustomer', customerId, at })
      .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects suspending a terminated customer', () => {
    spec
      .given([created, terminated])
      .when({ type: 'SuspendCustomer', customerId, at })
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects suspending an unknown customer', () => {
    spec.given([]).when({ type: 'SuspendCustomer', customerId, at }).thenRejects('CUSTOMER_NOT_FOUND');
  });

  it('resumes a suspended customer', () => {
    spec
      .given([created, suspended])
      .when({ type: 'ResumeCustomer', customerId, at: '2025-02-02T00:00:00Z' })
      .then([{ type: 'customer.resumed', data: { customerId, at: '2025-02-02T00:00:00Z' } }]);
  });

  it('rejects resuming an active customer', () => {
    spec
      .given([created])
      .when({ type: 'ResumeCustomer', customerId, at })
      .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects resuming a terminated customer', () => {
    spec
      .given([created, suspended, terminated])
      .when({ type: 'ResumeCustomer', customerId, at })
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects resuming an unknown customer', () => {
    spec.given([]).when({ type: 'ResumeCustomer', customerId, at }).thenRejects('CUSTOMER_NOT_FOUND');
  });

  it('terminates an active customer', () => {
    spec
      .given([created])
      .when({ type: 'TerminateCustomer', customerId, at: '2025-03-01T00:00:00Z' })
      .then([terminated]);
  });

  it('terminates a suspended customer', () => {
    spec
      .given([created, suspended])
      .when({ type: 'TerminateCustomer', customerId, reason: 'moved abroad', at: '2025-03-01T00:00:00Z' })
      .then([
        { type: 'customer.terminated', data: { customerId, reason: 'moved abroad', at: '2025-03-01T00:00:00Z' } },
      ]);
  });

  it('rejects terminating twice (TERMINATED is final)', () => {
    spec
      .given([created, terminated])
      .when({ type: 'TerminateCustomer', customerId, at })
      .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects terminating an unknown customer', () => {
    spec.given([]).when({ type: 'TerminateCustomer', customerId, at }).thenRejects('CUSTOMER_NOT_FOUND');
  });
});

describe('customer: evolve', () => {
  it('folds the lifecycle into state', () => {
    const state = spec.given([
      created,
      suspended,
      { type: 'customer.resumed', data: { customerId, at: '2025-02-02T00:00:00Z' } },
    ]).state;
    assert.deepEqual(state, {
      customerId,
      firstName: 'Anna',
      lastName: 'Kowalska',
      email: 'anna@example.pl',
      phone: '+48601234567',
      address,
      status: 'ACTIVE',
      createdAt: '2025-01-10T09:00:00Z',
      updatedAt: '2025-02-02T00:00:00Z',
    });
  });

  it('ignores events for a customer it has not seen created', () => {
    assert.equal(customer.evolve(null, suspended), null);
  });
});
