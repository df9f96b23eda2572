import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { IdParam, DateRangeQuery, ListQuery, Page, ReadErrors, Reason, WriteErrors } from '../../schemas/common.ts';
import { Balance, CreateCustomerBody, Customer, CustomerStatus, UpdateContactBody } from '../../schemas/customer.ts';
import { ifMatch, withEtag } from '../../etag.ts';
import type { ExpectedVersion } from '../../../application/commands/expect-version.ts';
import { balanceView } from '../../balance-view.ts';
import { newId } from '../../../application/idempotency/new-id.ts';

const tags = ['customers'];

export function customerRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    await api.register(customerReadRoutes(application));
    await api.register(customerChangeRoutes(application));
  };
}

function customerReadRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/customers',
      {
        schema: {
          tags,
          summary: 'Create a customer',
          body: CreateCustomerBody,
          response: { 201: Customer, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const id = await application.customers.create({
          ...request.body,
          customerId: request.body.customerId ?? newId('cus'),
        });
        const state = withEtag(reply, await application.customers.committed(id));
        return reply.status(201).header('location', `/api/v1/customers/${id}`).send(state);
      },
    );

    api.get(
      '/customers',
      {
        schema: {
          tags,
          summary: 'List customers',
          querystring: Type.Object(
            { status: Type.Optional(CustomerStatus), ...ListQuery, ...DateRangeQuery },
            { additionalProperties: false },
          ),
          response: { 200: Page(Customer), ...ReadErrors },
        },
      },
      async (request) => {
        const page = await application.customers.list(request.query);
        return { items: page.items.map((row) => row.state), nextCursor: page.nextCursor };
      },
    );

    api.get(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Get a customer (ETag = version)',
          params: IdParam,
          response: { 200: Customer, ...ReadErrors },
        },
      },
      async (request, reply) => withEtag(reply, await application.customers.get(request.params.id)),
    );

    api.get(
      '/customers/:id/balance',
      {
        schema: {
          tags,
          summary: 'The customer account balance',
          description:
            'Every amount is {amount, currency} in the account currency (fixed by the first order, payment or ' +
            'invoice; until then every amount is 0 in the catalog currency and currency is null).',
          params: IdParam,
          response: { 200: Balance, ...ReadErrors },
        },
      },
      async (request) => {
        return balanceView(await application.customers.balance(request.params.id), application.catalog);
      },
    );
  };
}

function customerChangeRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.patch(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Update contact details (If-Match honoured)',
          params: IdParam,
          body: UpdateContactBody,
          response: { 200: Customer, ...WriteErrors },
        },
      },
      async (request, reply) => {
        await application.customers.updateContact(request.params.id, request.body, ifMatch(request));
        return withEtag(reply, await application.customers.committed(request.params.id));
      },
    );

    const action = (
      name: 'suspend' | 'resume' | 'terminate',
      run: (id: string, reason: string | undefined, expected: ExpectedVersion | undefined) => Promise<void>,
    ) =>
      api.post(
        `/customers/:id/${name}`,
        {
          schema: {
            tags,
            summary: `${name[0]?.toUpperCase()}${name.slice(1)} the customer (If-Match honoured)`,
            params: IdParam,
            body: Type.Union([Type.Null(), Reason], { description: 'optional: no body, or {reason}' }),
            response: { 200: Customer, ...WriteErrors },
          },
        },
        async (request, reply) => {
          await run(request.params.id, request.body?.reason, ifMatch(request));
          return withEtag(reply, await application.customers.committed(request.params.id));
        },
      );
    action('suspend', (id, reason, expected) => application.customers.suspend(id, reason, expected));
    action('resume', (id, _reason, expected) => application.customers.resume(id, expected));
    action('terminate', (id, reason, expected) => application.customers.terminate(id, reason, expected));
  };
}
