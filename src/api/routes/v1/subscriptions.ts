import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { Id } from '../../../events/schemas.ts';
import { IdParam, DateRangeQuery, ListQuery, Page, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { Subscription, SubscriptionStatus } from '../../schemas/subscription.ts';
import { OptionalReason } from '../../schemas/order.ts';
import { ifMatch, withEtag } from '../../etag.ts';
import type { ExpectedVersion } from '../../../application/commands/expect-version.ts';

const tags = ['subscriptions'];

export function subscriptionRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/subscriptions',
      {
        schema: {
          tags,
          summary: 'List subscriptions',
          querystring: Type.Object(
            {
              customerId: Type.Optional(Id),
              status: Type.Optional(SubscriptionStatus),
              ...ListQuery,
              ...DateRangeQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(Subscription), ...ReadErrors },
        },
      },
      async (request) => {
        const page = await application.subscriptions.list(request.query);
        return { items: page.items.map((row) => row.state), nextCursor: page.nextCursor };
      },
    );

    api.get(
      '/subscriptions/:id',
      {
        schema: {
          tags,
          summary: 'Get a subscription (ETag = version)',
          params: IdParam,
          response: { 200: Subscription, ...ReadErrors },
        },
      },
      async (request, reply) => withEtag(reply, await application.subscriptions.get(request.params.id)),
    );

    const action = (
      name: 'suspend' | 'resume' | 'cancel',
      summary: string,
      run: (id: string, reason: string | undefined, expected: ExpectedVersion | undefined) => Promise<void>,
    ) =>
      api.post(
        `/subscriptions/:id/${name}`,
        {
          schema: {
            tags,
            summary,
            params: IdParam,
            body: OptionalReason,
            response: { 200: Subscription, ...WriteErrors },
          },
        },
        async (request, reply) => {
          await run(request.params.id, request.body?.reason, ifMatch(request));
          return withEtag(reply, await application.subscriptions.committed(request.params.id));
        },
      );
    action('suspend', 'Suspend an ACTIVE subscription (If-Match honoured)', (id, reason, expected) =>
      application.subscriptions.suspend(id, reason, expected),
    );
    action('resume', 'Resume a SUSPENDED subscription (If-Match honoured)', (id, _reason, expected) =>
      application.subscriptions.resume(id, expected),
    );
    action('cancel', 'Cancel a subscription for good (If-Match honoured)', (id, reason, expected) =>
      application.subscriptions.cancel(id, reason, expected),
    );
  };
}
