import { invoice } from '../../domain/index.ts';
import type { CommandBus } from './command-bus.ts';
import { balanceRows, rowsOfOwner } from './customer-context.ts';
import { derivedId } from './derived-id.ts';
import { expectVersion, type ExpectedVersion } from './expect-version.ts';
import type { Clock } from '../clock.ts';

export interface InvoiceCommands {
  markOverdue(invoiceId: string, expectedVersion?: ExpectedVersion): Promise<void>;
  cancel(invoiceId: string, reason: string, expectedVersion?: ExpectedVersion): Promise<string>;
}

/** Cancelled at most once, so the credit note can be named after it. */
export const creditNoteIdFor = (invoiceId: string): string => derivedId('cn', invoiceId);

export function invoiceCommands(bus: CommandBus, clock: Clock): InvoiceCommands {
  const decide = async (
    invoiceId: string,
    expectedVersion: ExpectedVersion | undefined,
    command: (at: string) => invoice.InvoiceCommand,
  ) => {
    await bus.run(
      async (uow) => {
        const { state, version } = await uow.load<invoice.Invoice>('invoice', invoiceId);
        if (state !== null) expectVersion('invoice', version, expectedVersion);
        return { events: invoice.decide(command(clock()), state), result: undefined };
      },
      {
        prefetch: [{ kind: 'invoice', ids: [invoiceId] }],
        prefetchThen: rowsOfOwner('invoice', invoiceId, balanceRows),
      },
    );
  };

  return {
    markOverdue: (invoiceId, expected) =>
      decide(invoiceId, expected, (at) => ({ type: 'MarkInvoiceOverdue', invoiceId, at })),
    async cancel(invoiceId, reason, expected) {
      const creditNoteId = creditNoteIdFor(invoiceId);
      await decide(invoiceId, expected, (at) => ({ type: 'CancelInvoice', invoiceId, creditNoteId, reason, at }));
      return creditNoteId;
    },
  };
}
