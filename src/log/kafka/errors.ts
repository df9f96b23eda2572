// Protocol errors arrive nested (MultipleErrors, ResponseError), so they are found by searching the chain.
import { findErrorBy } from '@platformatic/kafka';

export function hasKafkaError(error: unknown, apiId: string): boolean {
  return error instanceof Error && findErrorBy(error, 'apiId', apiId) !== null;
}

export function responseOf<Response>(error: unknown): Response | undefined {
  if (!(error instanceof Error)) return undefined;
  return findErrorBy(error, 'code', 'PLT_KFK_RESPONSE')?.['response'] as Response | undefined;
}

export function isStaleMetadata(error: unknown): boolean {
  return error instanceof Error && findErrorBy(error, 'hasStaleMetadata', true) !== null;
}
