// Synchronous and bounded (maxCustomers, then resumeAfter); calling again is safe: billed customers are skipped.
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { Page, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { BillRunBody, BillRunListQuery, BillRunParams, BillRunSummary } from '../../schemas/billing.ts';

export function billingRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/billing/runs',
      {
        schema: {
          tags: ['billing'],
          summary: 'Bill a period (one month, in arrears): one invoice per customer with active subscriptions',
          description:
            '409 PERIOD_NOT_ENDED before the period is over; 422 INVALID_PERIOD when it is not one month. ' +
            'Customers the domain refuses to bill are listed in failures; the others are billed.',
          body: BillRunBody,
          response: { 201: BillRunSummary, ...WriteErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await application.billing.run(request.body)),
    );

    api.get(
      '/billing/runs',
      {
        schema: {
          tags: ['billing'],
          summary: 'The history of bill runs, newest first, each with the invoice ids it issued',
          description: 'One entry per call of POST /billing/runs (a run continued with resumeAfter has several).',
          querystring: BillRunListQuery,
          response: { 200: Page(BillRunSummary), ...ReadErrors },
        },
      },
      async (request) => application.billing.listRuns(request.query),
    );

    api.get(
      '/billing/runs/:id',
      {
        schema: {
          tags: ['billing'],
          summary: 'One bill run: its summary and the invoice ids it issued',
          params: BillRunParams,
          response: { 200: BillRunSummary, ...ReadErrors },
        },
      },
      async (request) => application.billing.getRun(request.params.id),
    );
  };
}
