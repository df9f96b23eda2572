import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { IdParam, Problem, ReadErrors } from '../../schemas/common.ts';
import { UpcomingInvoice, UpcomingInvoiceQuery } from '../../schemas/upcoming-invoice.ts';

export function upcomingInvoiceRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/customers/:id/invoices/upcoming',
      {
        schema: {
          tags: ['invoices'],
          summary: 'Preview the invoice of the open period: what the customer owes so far',
          description:
            'Priced by the same code as the bill run (pro-rated fees of the subscriptions active in the ' +
            'period, rated usage so far), so after the period ends the run issues these lines unless ' +
            'something changes. 404 NO_UPCOMING_INVOICE when the run would issue none; 409 PERIOD_NOT_OPEN ' +
            'when periodFrom names a period that does not contain the current time.',
          params: IdParam,
          querystring: UpcomingInvoiceQuery,
          response: { 200: UpcomingInvoice, ...ReadErrors, 409: Problem, 422: Problem },
        },
      },
      async (request) => application.invoices.upcoming(request.params.id, request.query.periodFrom),
    );
  };
}
