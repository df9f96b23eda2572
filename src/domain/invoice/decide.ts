import { assertNever } from '../event.ts';
import { conflict, invalidTransition, missing } from '../rejection.ts';
import { requireDateTime, requireNotBefore, toMillis } from '../time.ts';
import { requireText } from '../validate.ts';
import type { InvoiceCommand } from './commands.ts';
import type { InvoiceEvent } from './events.ts';
import type { InvoiceState } from './state.ts';

export function decide(command: InvoiceCommand, state: InvoiceState): InvoiceEvent[] {
  const invoiceId = requireText(command.invoiceId, 'invoiceId');
  const atMs = requireDateTime(command.at, 'at');
  if (state === null) throw missing('INVOICE_NOT_FOUND', `invoice ${invoiceId} does not exist`, 'invoiceId');
  requireNotBefore(atMs, state.updatedAt);
  const { customerId } = state;
  const at = command.at;

  switch (command.type) {
    case 'MarkInvoiceOverdue':
      if (state.status !== 'ISSUED') throw invalidTransition('invoice', state.status, 'mark overdue');
      if (atMs <= toMillis(state.dueAt)) {
        throw conflict('NOT_YET_DUE', `invoice ${invoiceId} is due at ${state.dueAt}`, { dueAt: state.dueAt });
      }
      return [
        {
          type: 'invoice.overdue',
          data: { invoiceId, customerId, dueAt: state.dueAt, outstanding: state.outstanding, at },
        },
      ];
    case 'CancelInvoice': {
      if (state.status !== 'ISSUED' && state.status !== 'OVERDUE') {
        throw invalidTransition('invoice', state.status, 'cancel');
      }
      // Applied money would have to move back to the payment: a refund or full payment keeps the flows simple.
      if (state.paid.amount > 0) {
        throw conflict('INVOICE_HAS_PAYMENTS', `invoice ${invoiceId} is partly paid; it cannot be cancelled`, {
          paid: state.paid,
        });
      }
      const creditNoteId = requireText(command.creditNoteId, 'creditNoteId');
      const reason = requireText(command.reason, 'reason', 500);
      return [
        { type: 'invoice.cancelled', data: { invoiceId, customerId, creditNoteId, amount: state.total, reason, at } },
      ];
    }
    default:
      return assertNever(command);
  }
}
