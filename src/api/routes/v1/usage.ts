import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { Id } from '../../../events/schemas.ts';
import { DateRangeQuery, ListQuery, Page, Problem, ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { IngestUsageBody, IngestUsageResponse, UsageRecord, UsageStatus } from '../../schemas/usage.ts';

const tags = ['usage'];

export function usageRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/usage',
      {
        config: { claimInCommand: true },
        schema: {
          tags,
          summary: 'Ingest a batch of usage records (CDRs); each record gets its own outcome',
          description:
            'A malformed document (wrong types, unknown fields, quantity not a positive integer, more than ' +
            'the maximum records) is refused as a whole with 400 naming each field. Otherwise every record ' +
            'is decided on its own: rated, rejected (recorded: subscription not active at startedAt), ' +
            'duplicate (recordId already recorded) or invalid (not recorded, e.g. unknown subscription).',
          body: IngestUsageBody,
          response: { 202: IngestUsageResponse, ...WriteErrors, 413: Problem },
        },
      },
      async (request, reply) => reply.status(202).send(await application.usage.ingest(request.body.records)),
    );

    api.get(
      '/usage',
      {
        schema: {
          tags,
          summary: 'List recorded usage (rated and rejected records)',
          querystring: Type.Object(
            {
              subscriptionId: Type.Optional(Id),
              customerId: Type.Optional(Id),
              status: Type.Optional(UsageStatus),
              ...ListQuery,
              ...DateRangeQuery,
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(UsageRecord), ...ReadErrors },
        },
      },
      async (request) => {
        const page = await application.usage.list(request.query);
        return { items: page.items.map((row) => row.state), nextCursor: page.nextCursor };
      },
    );
  };
}
