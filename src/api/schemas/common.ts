import { Type, type TSchema } from 'typebox';
import { ERROR_CODES, type ErrorCode } from '../../error-codes.ts';

/** Items judged one by one: an item with unstorable text is its own outcome, not a 400 for the request. */
export const ITEMS_JUDGED_ONE_BY_ONE = 'x-items-judged-one-by-one';

export const IdParam = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const ListQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};

export const Page = <T extends TSchema>(item: T) => {
  const title = (item as { title?: unknown }).title;
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    typeof title === 'string' ? { title: `${title}Page` } : {},
  );
};

export const ErrorCodeSchema = Type.Unsafe<ErrorCode>({
  title: 'ErrorCode',
  type: 'string',
  enum: Object.keys(ERROR_CODES),
  description: `Stable machine-readable code; clients match on it, never on \`detail\`:\n\n${Object.entries(ERROR_CODES)
    .map(([code, meaning]) => `- \`${code}\`: ${meaning}`)
    .join('\n')}`,
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: ErrorCodeSchema,
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    retryable: Type.Optional(Type.Boolean()),
  },
  {
    title: 'Problem',
    description: 'RFC 9457 problem details (application/problem+json)',
    examples: [
      {
        type: 'https://bss.droid.dev/problems/validation-failed',
        title: 'Bad Request',
        status: 400,
        detail: 'The request has invalid or unknown fields',
        code: 'VALIDATION_FAILED',
        instance: '/api/v1/customers',
        errors: [{ field: '/body/email', message: 'must match format "email"' }],
      },
    ],
  },
);

export const WriteErrors = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  412: Problem,
  422: Problem,
};
export const ReadErrors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

export const Reason = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);

const Instant = (description: string) =>
  Type.Optional(
    Type.String({
      maxLength: 40,
      pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
      description: `${description}: a date YYYY-MM-DD (00:00 UTC) or a date-time with offset`,
      examples: ['2026-12-01'],
    }),
  );

/** From inclusive, To exclusive. */
export const DateRangeQuery = {
  createdFrom: Instant('created at or after'),
  createdTo: Instant('created before'),
  updatedFrom: Instant('last changed at or after'),
  updatedTo: Instant('last changed before'),
};
