import type { ApiApp } from '../../types.ts';
import type { Application } from '../../../application/services.ts';
import { catalog } from '../../../domain/index.ts';
import { notFound } from '../../../errors.ts';
import { IdParam, ReadErrors } from '../../schemas/common.ts';
import { Plan, PlanList } from '../../schemas/catalog.ts';

const tags = ['catalog'];

export function catalogRoutes(application: Application) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/catalog/plans',
      {
        schema: {
          tags,
          summary: 'Every plan with its versions (prices in integer minor units)',
          response: { 200: PlanList, ...ReadErrors },
        },
      },
      async () => ({ items: [...application.catalog] }),
    );

    api.get(
      '/catalog/plans/:id',
      {
        schema: {
          tags,
          summary: 'One plan with its versions',
          params: IdParam,
          response: { 200: Plan, ...ReadErrors },
        },
      },
      async (request) => {
        const plan = catalog.findPlan(application.catalog, request.params.id);
        if (!plan) throw notFound('plan', request.params.id);
        return plan;
      },
    );
  };
}
