// Invoices are issued by bill runs (billing.ts), never created directly.
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { IdParam, Page, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { CancelInvoiceBody, Invoice, InvoiceListQuery } from '../../schemas/invoice.ts';
import { NoBody } from '../../schemas/no-body.ts';
import { ifMatch, withEtag } from '../../etag.ts';

const tags = ['invoices'];

export function invoiceRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/invoices',
      {
        schema: {
          tags,
          summary: 'List invoices, oldest first',
          querystring: InvoiceListQuery,
          response: { 200: Page(Invoice), ...ReadErrors },
        },
      },
      async (request) => {
        const page = await application.invoices.list(request.query);
        return { items: page.items.map((row) => row.state), nextCursor: page.nextCursor };
      },
    );

    api.get(
      '/invoices/:id',
      {
        schema: {
          tags,
          summary: 'Get an invoice (ETag = version)',
          params: IdParam,
          response: { 200: Invoice, ...ReadErrors },
        },
      },
      async (request, reply) => withEtag(reply, await application.invoices.get(request.params.id)),
    );

    api.post(
      '/invoices/:id/overdue',
      {
        schema: {
          tags,
          summary: 'Mark an issued invoice overdue; 409 NOT_YET_DUE before its due date (If-Match honoured)',
          params: IdParam,
          body: NoBody,
          response: { 200: Invoice, ...WriteErrors },
        },
      },
      async (request, reply) => {
        await application.invoices.markOverdue(request.params.id, ifMatch(request));
        return withEtag(reply, await application.invoices.committed(request.params.id));
      },
    );

    api.post(
      '/invoices/:id/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel an unpaid invoice with a credit note for its total (If-Match honoured)',
          params: IdParam,
          body: CancelInvoiceBody,
          response: { 200: Invoice, ...WriteErrors },
        },
      },
      async (request, reply) => {
        await application.invoices.cancel(request.params.id, request.body.reason, ifMatch(request));
        return withEtag(reply, await application.invoices.committed(request.params.id));
      },
    );
  };
}
