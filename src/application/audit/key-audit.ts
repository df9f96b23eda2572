import { randomUUID } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { AUDIT_EVENT_SCHEMAS, type AuditEventData, type AuditEventType } from '../../events/catalog.ts';
import { SPEC_VERSION, STRUCTURED_CONTENT_TYPE, cloudEventType, type BssCloudEvent } from '../../events/envelope.ts';
import type { AppendRecord } from '../../log/event-log.ts';

const validators = Object.fromEntries(
  Object.entries(AUDIT_EVENT_SCHEMAS).map(([type, schema]) => [type, Compile(schema)]),
) as Record<AuditEventType, ReturnType<typeof Compile>>;

export function auditEvent(type: AuditEventType, data: AuditEventData, source: string): BssCloudEvent<AuditEventData> {
  if (!validators[type].Check(data)) throw new Error(`audit event ${type} does not match its schema`);
  return {
    specversion: SPEC_VERSION,
    id: randomUUID(),
    source,
    type: cloudEventType(type),
    subject: data.keyId,
    time: data.at,
    datacontenttype: 'application/json',
    partitionkey: data.keyId,
    data,
  };
}

export const auditRecord = (event: BssCloudEvent): AppendRecord => ({
  key: event.partitionkey,
  value: JSON.stringify(event),
  timestamp: Date.parse(event.time),
  headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
});
