import type { ApiApp } from '../../types.ts';
import type { AuditTrail } from '../../../application/audit/audit-trail.ts';
import { ReadErrors } from '../../schemas/common.ts';
import { BssError } from '../../../errors.ts';

/** Offsets the database refuses (e.g. -17:23) are valid RFC 3339. */
function utc(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < Date.UTC(1, 0, 1) || ms > Date.UTC(9999, 11, 31)) {
    throw new BssError('VALIDATION_FAILED', `${field} is not a time this API can search`, {
      status: 400,
      errors: [{ field: `/querystring/${field}`, message: 'a date-time from year 1 to 9999' }],
    });
  }
  return new Date(ms).toISOString();
}
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
        const { action, actor, cursor, limit } = request.query;
        const from = utc(request.query.from, 'from');
        const to = utc(request.query.to, 'to');
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
