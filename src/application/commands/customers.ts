// Customer use cases: create, update contact, suspend, resume, terminate.
import { customer } from '../../domain/index.ts';
import type { CommandBus } from './command-bus.ts';
import { expectVersion, type ExpectedVersion } from './expect-version.ts';
import type { Clock } from '../clock.ts';

type CreateInput = Omit<customer.CreateCustomer, 'type' | 'at'>;
type ContactInput = Omit<customer.UpdateCustomerContact, 'type' | 'at' | 'customerId'>;

export interface CustomerCommands {
  create(input: CreateInput): Promise<string>;
  updateContact(customerId: string, input: ContactInput, expectedVersion?: ExpectedVersion): Promise<void>;
  suspend(customerId: string, reason?: string, expectedVersion?: ExpectedVersion): Promise<void>;
  resume(customerId: string, expectedVersion?: ExpectedVersion): Promise<void>;
  terminate(customerId: string, reason?: string, expectedVersion?: ExpectedVersion): Promise<void>;
}

export function customerCommands(bus: CommandBus, clock: Clock): CustomerCommands {
  const decide = async (
    customerId: string,
    expectedVersion: ExpectedVersion | undefined,
    command: (at: string) => customer.CustomerCommand,
  ) => {
    await bus.run(
      async (uow) => {
        const { state, version } = await uow.load<customer.Customer>('customer', customerId);
        if (state !== null) expectVersion('customer', version, expectedVersion);
        return { events: customer.decide(command(clock()), state), result: undefined };
      },
      { prefetch: [{ kind: 'customer', ids: [customerId] }] },
    );
  };

  return {
    async create(input) {
      await decide(input.customerId, undefined, (at) => ({ type: 'CreateCustomer', ...input, at }));
      return input.customerId;
    },
    updateContact: (customerId, input, expected) =>
      decide(customerId, expected, (at) => ({ type: 'UpdateCustomerContact', customerId, ...input, at })),
    suspend: (customerId, reason, expected) =>
      decide(customerId, expected, (at) => ({
        type: 'SuspendCustomer',
        customerId,
        ...(reason ? { reason } : {}),
        at,
      })),
    resume: (customerId, expected) =>
      decide(customerId, expected, (at) => ({ type: 'ResumeCustomer', customerId, at })),
    terminate: (customerId, reason, expected) =>
      decide(customerId, expected, (at) => ({
        type: 'TerminateCustomer',
        customerId,
        ...(reason ? { reason } : {}),
        at,
      })),
  };
}
