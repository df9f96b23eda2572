// The CloudEvents 1.0 envelope every BSS event travels in (structured JSON mode).
// type = com.droid.bss.<entity>.<action>.v1; extension `partitionkey` = the customer id, so the log
// partitions by customer; `traceparent` (W3C) when a trace is active.

export const SPEC_VERSION = '1.0';
export const TYPE_PREFIX = 'com.droid.bss.';
export const TYPE_VERSION = 'v1';
/** The Kafka/HTTP content type of a structured-mode CloudEvent. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

export interface BssCloudEvent<Data = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly partitionkey: string;
  readonly traceparent?: string;
  readonly data: Data;
}

/** 'order.placed' → 'com.droid.bss.order.placed.v1' */
export function cloudEventType(domainType: string): string {
  return `${TYPE_PREFIX}${domainType}.${TYPE_VERSION}`;
}

/** 'com.droid.bss.order.placed.v1' → 'order.placed', or undefined for a foreign type. */
export function domainTypeOf(cloudEventType: string): string | undefined {
  const suffix = `.${TYPE_VERSION}`;
  if (!cloudEventType.startsWith(TYPE_PREFIX) || !cloudEventType.endsWith(suffix)) return undefined;
  return cloudEventType.slice(TYPE_PREFIX.length, -suffix.length);
}
