import { customer } from '../../domain/index.ts';
import type { CommandBus } from './command-bus.ts';
import { expectVersion, type ExpectedVersion } from './expect-version.ts';
import type { Clock } from '../clock.ts';
import { claimEmail, emailKey, releaseOtherEmails } from './email-claims.ts';
import type { UnitOfWork } from '../read-model/unit-of-work.ts';

type CreateInput = Omit<customer.CreateCustomer, 'type' | 'at'> & {
  /** A family's shared address. */
  readonly allowDuplicateEmail?: boolean;
};
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
    /** Runs after the domain decided, in the same transaction. */
    after?: (uow: UnitOfWork, before: customer.CustomerState) => Promise<void>,
  ) => {
    await bus.run(
      async (uow) => {
        const { state, version } = await uow.load<customer.Customer>('customer', customerId);
        if (state !== null) expectVersion('customer', version, expectedVersion);
        const events = customer.decide(command(clock()), state);
        await after?.(uow, state);
        return { events, result: undefined };
      },
      { prefetch: [{ kind: 'customer', ids: [customerId] }] },
    );
  };

  return {
    async create({ allowDuplicateEmail, ...input }) {
      await decide(
        input.customerId,
        undefined,
        (at) => ({ type: 'CreateCustomer', ...input, at }),
        allowDuplicateEmail ? undefined : (uow) => claimEmail(uow.tx, input.email, input.customerId),
      );
      return input.customerId;
    },
    updateContact: (customerId, input, expected) =>
      decide(
        customerId,
        expected,
        (at) => ({ type: 'UpdateCustomerContact', customerId, ...input, at }),
        async (uow, before) => {
          const email = input.email;
          if (email === undefined || (before && emailKey(before.email) === emailKey(email))) return;
          await claimEmail(uow.tx, email, customerId);
          await releaseOtherEmails(uow.tx, customerId, email);
        },
      ),
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
