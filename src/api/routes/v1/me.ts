// So a client (the console) shows only what the caller may do.
import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { ReadErrors } from '../../schemas/common.ts';

const Me = Type.Object({
  id: Type.String({ description: '`key:<keyId>` or `jwt:<subject>`' }),
  role: Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]),
  via: Type.Union([Type.Literal('api-key'), Type.Literal('bearer')]),
});

export async function meRoutes(api: ApiApp): Promise<void> {
  api.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The calling principal: id, role and how it signed in',
        response: { 200: Me, ...ReadErrors },
      },
    },
    async (request) => {
      // The auth hook let the request through, so there is a principal with a role.
      const { id, role, via } = request.principal!;
      return { id, role: role!, via };
    },
  );
}
