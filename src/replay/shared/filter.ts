import type { DomainEventLike, EventCodec } from '../../events/codec.ts';
import { domainTypeOf, type BssCloudEvent } from '../../events/envelope.ts';
import type { LogRecord } from '../../log/event-log.ts';
import { EVENT_DATA_SCHEMAS } from '../../events/catalog.ts';
import { BssError } from '../../errors.ts';

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_DATA_SCHEMAS));

/** An unknown type is a 400 listing the known ones: a filter on it could never match. */
export function knownEventType(type: string, field: string): string {
  const domain = domainTypeOf(type) ?? type;
  if (KNOWN_TYPES.has(domain)) return domain;
  const known = [...KNOWN_TYPES].join(', ');
  throw new BssError('UNKNOWN_EVENT_TYPE', `unknown event type ${JSON.stringify(type)}; known types: ${known}`, {
    status: 400,
    errors: [{ field, message: `unknown event type; one of ${known}` }],
  });
}

export interface EventFilter {
  /** Domain or CloudEvents types. */
  readonly types?: readonly string[];
  /** Only that customer's partition is read. */
  readonly customerId?: string;
  readonly sources?: readonly string[];
  /** Case-insensitive, over the record's JSON. */
  readonly text?: string;
}

export type Decoded =
  | { readonly ok: true; readonly event: BssCloudEvent; readonly domainEvent: DomainEventLike }
  | { readonly ok: false; readonly reason: string };

/** Without `validate`, a JSON object with a BSS type and data suffices (speed on trusted history). */
export function decodeRecord(codec: EventCodec, record: LogRecord, validate: boolean): Decoded {
  return validate ? codec.decode(record) : parseRecord(record);
}

export function parseRecord(record: LogRecord): Decoded {
  try {
    const event = JSON.parse(record.value) as BssCloudEvent<DomainEventLike['data']>;
    const type = typeof event?.type === 'string' ? domainTypeOf(event.type) : undefined;
    if (!type || typeof event.data !== 'object' || event.data === null)
      return { ok: false, reason: 'not a BSS CloudEvent' };
    return { ok: true, event, domainEvent: { type, data: event.data } };
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
}

export interface CompiledFilter {
  keyMatches(record: LogRecord): boolean;
  eventMatches(decoded: { event: BssCloudEvent; domainEvent: DomainEventLike }): boolean;
}

export function compileFilter(filter: EventFilter = {}, typesField = '/body/filter/types'): CompiledFilter {
  const types = filter.types?.length ? new Set(filter.types.map((t) => knownEventType(t, typesField))) : undefined;
  const sources = filter.sources?.length ? new Set(filter.sources) : undefined;
  const text = filter.text?.toLowerCase();
  return {
    keyMatches: (record) =>
      (filter.customerId === undefined || record.key === filter.customerId) &&
      (text === undefined || record.value.toLowerCase().includes(text)),
    eventMatches: ({ event, domainEvent }) =>
      (types === undefined || types.has(domainEvent.type)) && (sources === undefined || sources.has(event.source)),
  };
}
