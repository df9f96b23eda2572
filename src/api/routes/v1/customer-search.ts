import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { MAX_SEARCH_RESULTS, type Application } from '../../../application/services.ts';
import { ReadErrors } from '../../schemas/common.ts';
import { Customer } from '../../schemas/customer.ts';

const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200, description: 'an id, or part of an email or of "first last"' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_RESULTS, default: 20 })),
  },
  { additionalProperties: false },
);

export function customerSearchRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/customers/search',
      {
        schema: {
          tags: ['customers'],
          summary: 'Search customers by id, email or name (case-insensitive substring)',
          querystring: SearchQuery,
          response: { 200: Type.Object({ items: Type.Array(Customer) }), ...ReadErrors },
        },
      },
      async (request) => ({
        items: await application.customers.search(request.query.q.trim() || request.query.q, request.query.limit),
      }),
    );
  };
}
