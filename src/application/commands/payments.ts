import { payment } from '../../domain/index.ts';
import type { CustomerBalance, Money, customer, invoice } from '../../domain/index.ts';
import type { Db } from '../../store/db.ts';
import type { CommandBus, RunOptions } from './command-bus.ts';
import { balanceRows, customerContextRows, rowsOfOwner } from './customer-context.ts';
import type { UnitOfWork } from '../read-model/unit-of-work.ts';
import { expectVersion, type ExpectedVersion } from './expect-version.ts';
import type { Clock } from '../clock.ts';

export interface CreatePaymentInput {
  readonly paymentId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly method: payment.PaymentMethod;
  readonly reference?: string;
}

export interface PayInvoiceInput {
  readonly paymentId: string;
  readonly invoiceId: string;
  readonly amount?: Money;
  readonly method: payment.PaymentMethod;
  readonly reference?: string;
}

export interface RefundInput {
  readonly refundId: string;
  readonly amount: Money;
  readonly reason?: string;
}

export interface PaymentCommands {
  create(input: CreatePaymentInput): Promise<string>;
  capture(paymentId: string, expectedVersion?: ExpectedVersion): Promise<void>;
  fail(paymentId: string, reason: string, expectedVersion?: ExpectedVersion): Promise<void>;
  refund(paymentId: string, input: RefundInput, expectedVersion?: ExpectedVersion): Promise<void>;
  applyCredit(paymentId: string, expectedVersion?: ExpectedVersion): Promise<void>;
  payInvoice(input: PayInvoiceInput): Promise<string>;
}

const NO_CONTEXT: payment.PaymentContext = { customer: null, accountCurrency: null, invoices: [] };

export function paymentCommands(bus: CommandBus, db: Db, clock: Clock): PaymentCommands {
  const decide = async (
    paymentId: string,
    expectedVersion: ExpectedVersion | undefined,
    command: (at: string) => payment.PaymentCommand,
    withInvoices = false,
  ) => {
    // Ids found before the transaction (PGlite runs one at a time), rows locked inside; an invoice issued in
    // between stays unpaid, the money stays as credit.
    const invoiceIds = withInvoices ? await openInvoiceIds(db, paymentId) : [];
    const rows: RunOptions = {
      prefetch: [
        { kind: 'payment', ids: [paymentId] },
        { kind: 'invoice', ids: invoiceIds },
      ],
      prefetchThen: rowsOfOwner('payment', paymentId, balanceRows),
    };
    await bus.run(async (uow) => {
      const { state, version } = await uow.load<payment.Payment>('payment', paymentId);
      if (state !== null) expectVersion('payment', version, expectedVersion);
      const invoices = await lockInvoices(uow, invoiceIds, state?.customerId);
      return { events: payment.decide(command(clock()), state, { ...NO_CONTEXT, invoices }), result: undefined };
    }, rows);
  };

  return {
    async create(input) {
      await bus.run(
        async (uow) => {
          const existing = await uow.load<payment.Payment>('payment', input.paymentId);
          const customer = await uow.load<customer.Customer>('customer', input.customerId, 'share');
          const balance = await uow.load<CustomerBalance>('balance', input.customerId);
          const command: payment.CreatePayment = { type: 'CreatePayment', ...input, at: clock() };
          const context = { customer: customer.state, accountCurrency: balance.state?.currency ?? null, invoices: [] };
          return { events: payment.decide(command, existing.state, context), result: undefined };
        },
        {
          prefetch: [{ kind: 'payment', ids: [input.paymentId] }, ...customerContextRows(input.customerId)],
        },
      );
      return input.paymentId;
    },
    async payInvoice(input) {
      await bus.run(
        async (uow) => {
          const existing = await uow.load<payment.Payment>('payment', input.paymentId);
          const { state: invoiceState } = await uow.load<invoice.Invoice>('invoice', input.invoiceId);
          const command: payment.PayInvoice = { type: 'PayInvoice', ...input, at: clock() };
          let context: Omit<payment.PaymentContext, 'invoices'> = { customer: null, accountCurrency: null };
          if (invoiceState !== null) {
            const customer = await uow.load<customer.Customer>('customer', invoiceState.customerId, 'share');
            const balance = await uow.load<CustomerBalance>('balance', invoiceState.customerId);
            context = { customer: customer.state, accountCurrency: balance.state?.currency ?? null };
          }
          return { events: payment.payInvoice(command, existing.state, invoiceState, context), result: undefined };
        },
        {
          prefetch: [
            { kind: 'payment', ids: [input.paymentId] },
            { kind: 'invoice', ids: [input.invoiceId] },
          ],
          prefetchThen: rowsOfOwner('invoice', input.invoiceId, customerContextRows),
        },
      );
      return input.paymentId;
    },
    capture: (paymentId, expected) =>
      decide(paymentId, expected, (at) => ({ type: 'CapturePayment', paymentId, at }), true),
    fail: (paymentId, reason, expected) =>
      decide(paymentId, expected, (at) => ({ type: 'FailPayment', paymentId, reason, at })),
    refund: (paymentId, input, expected) =>
      decide(paymentId, expected, (at) => ({ type: 'RefundPayment', paymentId, ...input, at })),
    applyCredit: (paymentId, expected) =>
      decide(paymentId, expected, (at) => ({ type: 'ApplyPaymentCredit', paymentId, at }), true),
  };
}

async function openInvoiceIds(db: Db, paymentId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT i.id FROM invoices i JOIN payments p ON p.customer_id = i.customer_id
     WHERE p.id = $1 AND i.status IN ('ISSUED', 'OVERDUE') ORDER BY i.id`,
    [paymentId],
  );
  return rows.map((row) => row.id);
}

async function lockInvoices(
  uow: UnitOfWork,
  ids: readonly string[],
  customerId: string | undefined,
): Promise<invoice.Invoice[]> {
  if (ids.length === 0 || customerId === undefined) return [];
  const rows = await uow.loadMany<invoice.Invoice>('invoice', ids);
  // Only this customer's invoices: the ids were read outside the transaction.
  return [...rows.values()].flatMap((row) => (row.state?.customerId === customerId ? [row.state] : []));
}
