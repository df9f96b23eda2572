import { Type } from 'typebox';

/**
 * For actions that take no input. Fastify validates a missing body as null (and Type.Optional does
 * not make a root schema optional), so null is what admits a POST without a body; `{}` is accepted too.
 */
export const NoBody = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })], {
  description: 'no body, or {}',
});
