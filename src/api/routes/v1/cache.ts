// Each instance has its own L1, so both act on the instance that serves the request.
import type { ApiApp } from '../../types.ts';
import type { Cache } from '../../../cache/index.ts';
import { ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { CacheStats, WarmBody, WarmResult } from '../../schemas/cache.ts';

const tags = ['cache'];

export function cacheRoutes(cache: Cache) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/cache/warm',
      {
        schema: {
          tags,
          summary: 'Load keys into the cache: the given ones, or the hottest this instance knows',
          body: WarmBody,
          response: { 200: WarmResult, ...WriteErrors },
        },
      },
      async (request) => cache.warm(request.body?.keys),
    );

    api.get(
      '/cache/stats',
      {
        schema: {
          tags,
          summary: 'Hit ratios per level and key family, entries, invalidations by source, errors, warming',
          response: { 200: CacheStats, ...ReadErrors },
        },
      },
      async () => cache.stats(),
    );
  };
}
