// Real BSS events for tests that need log records: customer.created for a given customer id.
import { randomUUID } from 'node:crypto';
import { createEventCodec } from '../../src/events/codec.ts';
import { EVENT_CATALOG } from '../../src/events/catalog.ts';
import type { AppendRecord } from '../../src/log/event-log.ts';
import type { BssCloudEvent } from '../../src/events/envelope.ts';
import type { DomainEvent } from '../../src/domain/index.ts';

export const codec = createEventCodec(EVENT_CATALOG);

export function customerCreatedEvent(customerId: string, at = new Date().toISOString()): DomainEvent {
  return {
    type: 'customer.created',
    data: {
      customerId,
      firstName: 'Test',
      lastName: 'Customer',
      email: `${customerId}@example.com`,
      phone: null,
      address: { line1: '1 Test Street', line2: null, city: 'Testville', postalCode: '00-001', country: 'PL' },
      at,
    },
  };
}

export function customerCreated(customerId: string, at = new Date().toISOString()): BssCloudEvent {
  return codec.encode(customerCreatedEvent(customerId, at), { id: randomUUID(), source: '/bss/test' });
}

export function customerCreatedRecord(customerId: string): AppendRecord {
  return codec.toRecord(customerCreated(customerId));
}
