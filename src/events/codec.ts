// An event that does not match its schema is never written; a record that does not decode is dead-lettered.
import { Compile, type Validator } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { BssError } from '../errors.ts';
import { SPEC_VERSION, STRUCTURED_CONTENT_TYPE, cloudEventType, domainTypeOf, type BssCloudEvent } from './envelope.ts';

export interface CatalogEntry {
  readonly type: string;
  readonly subject: string;
  readonly data: TSchema;
}

export interface DomainEventLike {
  readonly type: string;
  readonly data: { readonly customerId: string; readonly at: string };
}

export interface EncodeMeta {
  readonly id: string;
  readonly source: string;
  readonly traceparent?: string;
}

export type DecodeResult =
  | { readonly ok: true; readonly event: BssCloudEvent; readonly domainEvent: DomainEventLike }
  | { readonly ok: false; readonly reason: string };

/** Structurally the EventLog's AppendRecord (log/ imports events/, not the reverse). */
export interface EncodedRecord {
  readonly key: string;
  readonly value: string;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export interface EventCodec {
  encode(event: DomainEventLike, meta: EncodeMeta): BssCloudEvent;
  toRecord(event: BssCloudEvent, headers?: Readonly<Record<string, string>>): EncodedRecord;
  decode(record: { readonly value: string }): DecodeResult;
  readonly types: readonly string[];
}

function describeErrors(validator: Validator, value: unknown): string {
  return validator
    .Errors(value)
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}

export function createEventCodec(catalog: readonly CatalogEntry[]): EventCodec {
  const entries = new Map(catalog.map((entry) => [entry.type, { entry, validator: Compile(entry.data) }]));

  function validateData(type: string, data: unknown): string | undefined {
    const known = entries.get(type);
    if (!known) return `unknown event type ${type}`;
    return known.validator.Check(data)
      ? undefined
      : `data does not match ${type}: ${describeErrors(known.validator, data)}`;
  }

  return {
    types: catalog.map((entry) => cloudEventType(entry.type)),

    encode(event, meta) {
      const problem = validateData(event.type, event.data);
      if (problem) throw new BssError('INVALID_EVENT', problem, { status: 500 });
      const entry = entries.get(event.type)?.entry as CatalogEntry;
      const subject = (event.data as unknown as Record<string, unknown>)[entry.subject];
      return {
        specversion: SPEC_VERSION,
        id: meta.id,
        source: meta.source,
        type: cloudEventType(event.type),
        subject: String(subject),
        time: event.data.at,
        datacontenttype: 'application/json',
        partitionkey: event.data.customerId,
        ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
        data: event.data,
      };
    },

    toRecord(event, headers = {}) {
      return {
        key: event.partitionkey,
        value: JSON.stringify(event),
        timestamp: Date.parse(event.time),
        // ce_type and ce_source repeat two attributes so a log can index them (the database log's
        // columns) without parsing the record.
        headers: { 'content-type': STRUCTURED_CONTENT_TYPE, ce_type: event.type, ce_source: event.source, ...headers },
      };
    },

    decode(record) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(record.value);
      } catch {
        return { ok: false, reason: 'not JSON' };
      }
      if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: 'not a JSON object' };
      const ce = parsed as Record<string, unknown>;
      if (ce['specversion'] !== SPEC_VERSION) return { ok: false, reason: `specversion must be ${SPEC_VERSION}` };
      for (const field of ['id', 'source', 'type', 'subject', 'time', 'partitionkey'] as const) {
        if (typeof ce[field] !== 'string' || ce[field] === '')
          return { ok: false, reason: `missing or empty ${field}` };
      }
      if (!UUID.test(ce['id'] as string)) return { ok: false, reason: 'id is not a UUID' };
      if (Number.isNaN(Date.parse(ce['time'] as string)))
        return { ok: false, reason: 'time is not an RFC 3339 timestamp' };
      if (ce['traceparent'] !== undefined && !TRACEPARENT.test(String(ce['traceparent']))) {
        return { ok: false, reason: 'traceparent is not a W3C trace context' };
      }
      if (ce['datacontenttype'] !== 'application/json')
        return { ok: false, reason: 'datacontenttype must be application/json' };
      const type = domainTypeOf(ce['type'] as string);
      if (!type) return { ok: false, reason: `type ${String(ce['type'])} is not a BSS event type` };
      const problem = validateData(type, ce['data']);
      if (problem) return { ok: false, reason: problem };
      const data = ce['data'] as DomainEventLike['data'];
      if (data.customerId !== ce['partitionkey'])
        return { ok: false, reason: 'partitionkey differs from data.customerId' };
      return { ok: true, event: ce as unknown as BssCloudEvent, domainEvent: { type, data } };
    },
  };
}
