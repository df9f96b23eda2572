// Reading @platformatic/kafka errors: protocol errors arrive nested (retries wrap them in
// MultipleErrors, responses in ResponseError), so they are found by searching the chain.
import { findErrorBy } from '@platformatic/kafka';

/** True when `error` carries the Kafka protocol error `apiId`, e.g. 'TOPIC_ALREADY_EXISTS'. */
export function hasKafkaError(error: unknown, apiId: string): boolean {
  return error instanceof Error && findErrorBy(error, 'apiId', apiId) !== null;
}

/** The decoded response a failed request carried, when the broker answered with partition errors. */
export function responseOf<Response>(error: unknown): Response | undefined {
  if (!(error instanceof Error)) return undefined;
  return findErrorBy(error, 'code', 'PLT_KFK_RESPONSE')?.['response'] as Response | undefined;
}

/** The client's cached metadata is out of date (leader moved, topic recreated): refresh and retry. */
export function isStaleMetadata(error: unknown): boolean {
  return error instanceof Error && findErrorBy(error, 'hasStaleMetadata', true) !== null;
}
