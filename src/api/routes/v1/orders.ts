import { Type, type Static, type TSchema } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { Id } from '../../../events/schemas.ts';
import { IdParam, DateRangeQuery, ListQuery, Page, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { Order, OptionalReason, OrderStatus, PlaceOrderBody, RejectOrderBody } from '../../schemas/order.ts';
import { NoBody } from '../../schemas/no-body.ts';
import { ifMatch, withEtag } from '../../etag.ts';
import type { ExpectedVersion } from '../../../application/commands/expect-version.ts';
import { newId } from '../../../application/idempotency/new-id.ts';

const tags = ['orders'];

export function orderRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    await api.register(orderReadRoutes(application));
    await api.register(orderChangeRoutes(application));
  };
}

function orderReadRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/orders',
      {
        schema: {
          tags,
          summary: 'Place an order for an ACTIVE customer (PENDING until approved)',
          body: PlaceOrderBody,
          response: { 201: Order, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const id = await application.orders.place({
          ...request.body,
          orderId: request.body.orderId ?? newId('ord'),
        });
        const state = withEtag(reply, await application.orders.committed(id));
        return reply.status(201).header('location', `/api/v1/orders/${id}`).send(state);
      },
    );

    api.get(
      '/orders',
      {
        schema: {
          tags,
          summary: 'List orders',
          querystring: Type.Object(
            { customerId: Type.Optional(Id), status: Type.Optional(OrderStatus), ...ListQuery, ...DateRangeQuery },
            { additionalProperties: false },
          ),
          response: { 200: Page(Order), ...ReadErrors },
        },
      },
      async (request) => {
        const page = await application.orders.list(request.query);
        return { items: page.items.map((row) => row.state), nextCursor: page.nextCursor };
      },
    );

    api.get(
      '/orders/:id',
      {
        schema: {
          tags,
          summary: 'Get an order (ETag = version)',
          params: IdParam,
          response: { 200: Order, ...ReadErrors },
        },
      },
      async (request, reply) => withEtag(reply, await application.orders.get(request.params.id)),
    );
  };
}

function orderChangeRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    const action = <B extends TSchema>(
      name: 'approve' | 'reject' | 'complete' | 'cancel',
      summary: string,
      body: B,
      run: (id: string, body: Static<B>, expected: ExpectedVersion | undefined) => Promise<unknown>,
    ) =>
      api.post(
        `/orders/:id/${name}`,
        {
          schema: { tags, summary, params: IdParam, body, response: { 200: Order, ...WriteErrors } },
        },
        async (request, reply) => {
          await run(request.params.id, request.body as Static<B>, ifMatch(request));
          return withEtag(reply, await application.orders.committed(request.params.id));
        },
      );
    action('approve', 'Approve a PENDING order (If-Match honoured)', NoBody, (id, _body, expected) =>
      application.orders.approve(id, expected),
    );
    action('reject', 'Reject a PENDING order (If-Match honoured)', RejectOrderBody, (id, body, expected) =>
      application.orders.reject(id, body.reason, expected),
    );
    action(
      'complete',
      'Complete an APPROVED order: activates one subscription per item (If-Match honoured)',
      NoBody,
      (id, _body, expected) => application.orders.complete(id, expected),
    );
    action('cancel', 'Cancel an APPROVED order (If-Match honoured)', OptionalReason, (id, body, expected) =>
      application.orders.cancel(id, body?.reason, expected),
    );
  };
}
