import { Type } from 'typebox';
import { ListQuery, Page } from './common.ts';

const Timestamp = Type.String({ format: 'date-time' });

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, examples: ['replay.start'] })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, examples: ['key:3f9a1c2b7d4e'] })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'entries at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'entries before this time' })),
    ...ListQuery,
  },
  { additionalProperties: false },
);

export const AuditEntry = Type.Object(
  {
    eventId: Type.String({ description: 'id of the CloudEvent on the audit topic' }),
    at: Timestamp,
    actor: Type.String({ description: '`key:<keyId>`, `jwt:<subject>` or `cli:<user>@<host>`' }),
    role: Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin'), Type.Null()]),
    action: Type.String({
      description:
        'replay.start, replay.cancel, offsets.restore, read-models.rebuild, cache.warm, debug-session.open, debug-session.close, test-clock.set, apikey.create, apikey.revoke',
    }),
    target: Type.Union([Type.String(), Type.Null()]),
    parameters: Type.Record(Type.String(), Type.Unknown()),
    outcome: Type.Union([Type.Literal('SUCCEEDED'), Type.Literal('FAILED'), Type.Literal('REFUSED')]),
    status: Type.Union([Type.Integer(), Type.Null()], { description: 'the HTTP status answered' }),
  },
  { title: 'AuditEntry', additionalProperties: false },
);

export const AuditPage = Page(AuditEntry);
