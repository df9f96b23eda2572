import type { FastifyReply } from 'fastify';
import type { TSchema } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { payment } from '../../../domain/index.ts';
import { IdParam, Page, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { NoBody } from '../../schemas/no-body.ts';
import {
  CreatePaymentBody,
  FailPaymentBody,
  PayInvoiceBody,
  Payment,
  PaymentListQuery,
  RefundBody,
} from '../../schemas/payment.ts';
import { ifMatch, withEtag } from '../../etag.ts';
import { newId } from '../../../application/idempotency/new-id.ts';

const tags = ['payments'];

const view = (state: payment.Payment) => ({
  ...state,
  unapplied: payment.unapplied(state),
  refundable: payment.refundable(state),
});

export function paymentRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    await api.register(paymentCreationRoutes(application));
    await api.register(paymentReadRoutes(application));
    await api.register(paymentActionRoutes(application));
  };
}

/** Write responses do not read through the cache. */
async function respond(application: Application, reply: FastifyReply, id: string) {
  return view(withEtag(reply, await application.payments.committed(id)));
}

function paymentCreationRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/payments',
      {
        schema: {
          tags,
          summary: 'Authorize a payment (status AUTHORIZED); capture applies it to invoices',
          body: CreatePaymentBody,
          response: { 201: Payment, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const id = await application.payments.create({
          ...request.body,
          paymentId: request.body.paymentId ?? newId('pay'),
        });
        const payment = await respond(application, reply, id);
        return reply.status(201).header('location', `/api/v1/payments/${id}`).send(payment);
      },
    );

    api.post(
      '/invoices/:id/payments',
      {
        schema: {
          tags,
          summary: 'Pay one invoice: the payment is authorized, captured and applied to this invoice only',
          description:
            "The amount defaults to the invoice's outstanding amount; a smaller one pays part of it. " +
            '409 INVOICE_NOT_OPEN when it is already paid or cancelled; 422 AMOUNT_EXCEEDS_OUTSTANDING when ' +
            'the amount is more than is open (nothing is kept as credit); 422 CURRENCY_MISMATCH.',
          params: IdParam,
          body: PayInvoiceBody,
          response: { 201: Payment, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const id = await application.payments.payInvoice({
          ...request.body,
          invoiceId: request.params.id,
          paymentId: request.body.paymentId ?? newId('pay'),
        });
        const payment = await respond(application, reply, id);
        return reply.status(201).header('location', `/api/v1/payments/${id}`).send(payment);
      },
    );
  };
}

function paymentReadRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/payments',
      {
        schema: {
          tags,
          summary: 'List payments, oldest first',
          querystring: PaymentListQuery,
          response: { 200: Page(Payment), ...ReadErrors },
        },
      },
      async (request) => {
        const page = await application.payments.list(request.query);
        return { items: page.items.map((row) => view(row.state)), nextCursor: page.nextCursor };
      },
    );

    api.get(
      '/payments/:id',
      {
        schema: {
          tags,
          summary: 'Get a payment (ETag = version)',
          params: IdParam,
          response: { 200: Payment, ...ReadErrors },
        },
      },
      async (request, reply) => view(withEtag(reply, await application.payments.get(request.params.id))),
    );
  };
}

const actionSchema = <B extends TSchema>(summary: string, body: B) => ({
  tags,
  summary: `${summary} (If-Match honoured)`,
  params: IdParam,
  body,
  response: { 200: Payment, ...WriteErrors },
});

function paymentActionRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/payments/:id/capture',
      { schema: actionSchema('Capture; the money pays open invoices oldest first, the rest stays as credit', NoBody) },
      async (request, reply) => {
        await application.payments.capture(request.params.id, ifMatch(request));
        return respond(application, reply, request.params.id);
      },
    );

    api.post(
      '/payments/:id/fail',
      { schema: actionSchema('Mark an authorized payment failed', FailPaymentBody) },
      async (request, reply) => {
        await application.payments.fail(request.params.id, request.body.reason, ifMatch(request));
        return respond(application, reply, request.params.id);
      },
    );

    api.post(
      '/payments/:id/refund',
      {
        schema: actionSchema(
          'Refund at most captured − refunded (422 REFUND_EXCEEDS_CAPTURED); repeating a refundId is harmless',
          RefundBody,
        ),
      },
      async (request, reply) => {
        const refundId = request.body.refundId ?? newId('ref');
        await application.payments.refund(request.params.id, { ...request.body, refundId }, ifMatch(request));
        return respond(application, reply, request.params.id);
      },
    );

    api.post(
      '/payments/:id/apply-credit',
      { schema: actionSchema('Apply credit left on a captured payment to open invoices, oldest first', NoBody) },
      async (request, reply) => {
        await application.payments.applyCredit(request.params.id, ifMatch(request));
        return respond(application, reply, request.params.id);
      },
    );
  };
}
