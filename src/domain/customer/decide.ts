import { assertNever } from '../event.ts';
import { conflict, invalid, invalidTransition, missing } from '../rejection.ts';
import { requireDateTime } from '../time.ts';
import { requireEmail, requirePhone, requireText, optionalText } from '../validate.ts';
import { requireAddress } from './address.ts';
import type { CustomerCommand, UpdateCustomerContact } from './commands.ts';
import type { CustomerEvent } from './events.ts';
import type { Customer, CustomerState } from './state.ts';

export function decide(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  const customerId = requireText(command.customerId, 'customerId');
  requireDateTime(command.at, 'at');
  const at = command.at;

  switch (command.type) {
    case 'CreateCustomer': {
      if (state !== null) throw conflict('CUSTOMER_ALREADY_EXISTS', `customer ${customerId} already exists`);
      return [
        {
          type: 'customer.created',
          data: {
            customerId,
            firstName: requireText(command.firstName, 'firstName', 100).trim(),
            lastName: requireText(command.lastName, 'lastName', 100).trim(),
            email: requireEmail(command.email),
            phone: command.phone == null ? null : requirePhone(command.phone),
            address: requireAddress(command.address),
            at,
          },
        },
      ];
    }
    case 'UpdateCustomerContact': {
      const customer = existing(state, customerId);
      if (customer.status === 'TERMINATED') {
        throw conflict('CUSTOMER_TERMINATED', `customer ${customerId} is terminated; its contact is frozen`);
      }
      return updateContact(command, customer);
    }
    case 'SuspendCustomer': {
      const customer = existing(state, customerId);
      if (customer.status !== 'ACTIVE') throw invalidTransition('customer', customer.status, 'suspend');
      return [{ type: 'customer.suspended', data: { customerId, reason: optionalText(command.reason, 'reason'), at } }];
    }
    case 'ResumeCustomer': {
      const customer = existing(state, customerId);
      if (customer.status !== 'SUSPENDED') throw invalidTransition('customer', customer.status, 'resume');
      return [{ type: 'customer.resumed', data: { customerId, at } }];
    }
    case 'TerminateCustomer': {
      const customer = existing(state, customerId);
      if (customer.status === 'TERMINATED') throw invalidTransition('customer', customer.status, 'terminate');
      return [
        { type: 'customer.terminated', data: { customerId, reason: optionalText(command.reason, 'reason'), at } },
      ];
    }
    default:
      return assertNever(command);
  }
}

function existing(state: CustomerState, customerId: string): Customer {
  if (state === null) throw missing('CUSTOMER_NOT_FOUND', `customer ${customerId} does not exist`, 'customerId');
  return state;
}

function updateContact(command: UpdateCustomerContact, customer: Customer): CustomerEvent[] {
  if (command.email === undefined && command.phone === undefined && command.address === undefined) {
    throw invalid('NOTHING_TO_UPDATE', 'give at least one of email, phone, address', 'email');
  }
  const email = command.email === undefined ? customer.email : requireEmail(command.email);
  const phone =
    command.phone === undefined ? customer.phone : command.phone === null ? null : requirePhone(command.phone);
  const address = command.address === undefined ? customer.address : requireAddress(command.address);
  const unchanged =
    email === customer.email &&
    phone === customer.phone &&
    JSON.stringify(address) === JSON.stringify(customer.address);
  // Re-sending the current contact is not an error, and not a fact worth an event.
  if (unchanged) return [];
  return [
    {
      type: 'customer.contactUpdated',
      data: { customerId: customer.customerId, email, phone, address, at: command.at },
    },
  ];
}
