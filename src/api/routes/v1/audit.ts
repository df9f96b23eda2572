// The audit trail of admin actions (admin role): filter by action, actor and time, page by cursor.
import type { ApiApp } from '../../types.ts';
import type { AuditTrail } from '../../../application/audit/audit-trail.ts';
import { ReadErrors } from '../../schemas/common.ts';
import { AuditPage, AuditQuery } from '../../schemas/audit.ts';

export function auditRoutes(audit: AuditTrail) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/audit',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['audit'],
          summary:
            'Admin actions (replay, restore, rebuild, cache warm, debug sessions, keys): who, what, when, outcome',
          querystring: AuditQuery,
          response: { 200: AuditPage, ...ReadErrors },
        },
      },
      async (request) => {
        const { action, actor, from, to, cursor, limit } = request.query;
        return audit.query({
          ...(action !== undefined ? { action } : {}),
          ...(actor !== undefined ? { actor } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
      },
    );
  };
}
