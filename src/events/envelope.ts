// CloudEvents 1.0 structured JSON; `partitionkey` is the customer id, so the log partitions by customer.

export const SPEC_VERSION = '1.0';
export const TYPE_PREFIX = 'com.droid.bss.';
export const TYPE_VERSION = 'v1';
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

export function cloudEventType(domainType: string): string {
  return `${TYPE_PREFIX}${domainType}.${TYPE_VERSION}`;
}

export function domainTypeOf(cloudEventType: string): string | undefined {
  const suffix = `.${TYPE_VERSION}`;
  if (!cloudEventType.startsWith(TYPE_PREFIX) || !cloudEventType.endsWith(suffix)) return undefined;
  return cloudEventType.slice(TYPE_PREFIX.length, -suffix.length);
}
