import { Type } from 'typebox';

/** Fastify validates a missing body as null (Type.Optional cannot make a root optional); `{}` is accepted too. */
export const NoBody = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })], {
  description: 'no body, or {}',
});
