// Which records a replay, timeline or debug session looks at, and how a record becomes an event.
import type { DomainEventLike, EventCodec } from '../../events/codec.ts';
import { domainTypeOf, type BssCloudEvent } from '../../events/envelope.ts';
import type { LogRecord } from '../../log/event-log.ts';
import { EVENT_DATA_SCHEMAS } from '../../events/catalog.ts';
import { BssError } from '../../errors.ts';

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_DATA_SCHEMAS));

/**
 * The domain type of a type a caller named ('order.placed' or 'com.droid.bss.order.placed.v1'); an
 * unknown one is a 400 listing the known ones, since a filter on it could never match.
 */
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
  /** Domain types ('order.placed') or CloudEvents types ('com.droid.bss.order.placed.v1'). */
  readonly types?: readonly string[];
  /** The partition key: only that customer's events (and only its partition is read). */
  readonly customerId?: string;
  /** CloudEvents `source`, exact match. */
  readonly sources?: readonly string[];
  /** Free text: records whose value (the CloudEvent's JSON) contains it, ignoring case. */
  readonly text?: string;
}

export type Decoded =
  | { readonly ok: true; readonly event: BssCloudEvent; readonly domainEvent: DomainEventLike }
  | { readonly ok: false; readonly reason: string };

/**
 * With `validate` the codec checks the whole envelope and the data against the catalog; without it a
 * record only has to be a JSON object with a BSS type and data (for speed on trusted history).
 */
export function decodeRecord(codec: EventCodec, record: LogRecord, validate: boolean): Decoded {
  return validate ? codec.decode(record) : parseRecord(record);
}

/** A JSON object with a BSS type and data: the envelope and data unchecked. */
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
  /** Cheap check on the record alone (before decoding). */
  keyMatches(record: LogRecord): boolean;
  eventMatches(decoded: { event: BssCloudEvent; domainEvent: DomainEventLike }): boolean;
}

/** `typesField` names the filter's types in errors (a query parameter or a body pointer). */
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
