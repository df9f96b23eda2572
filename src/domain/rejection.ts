// The one error the domain throws. `decide` functions reject a command by throwing a
// DomainRejection; the API layer maps `kind` to an HTTP status (RFC 9457):
//   conflict  -> 409 (the command does not fit the current lifecycle state)
//   invalid   -> 422 (a value in the command breaks a domain rule)
//   not_found -> 404 (the aggregate the command addresses does not exist)
// `code` is stable UPPER_SNAKE: clients and tests match on it, never on `message`.

export type RejectionKind = 'conflict' | 'invalid' | 'not_found';

export type RejectionInit = {
  code: string;
  kind: RejectionKind;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
};

export class DomainRejection extends Error {
  readonly code: string;
  readonly kind: RejectionKind;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(init: RejectionInit) {
    super(init.message);
    this.name = 'DomainRejection';
    this.code = init.code;
    this.kind = init.kind;
    this.field = init.field;
    this.details = init.details;
  }
}

export function isDomainRejection(error: unknown): error is DomainRejection {
  return error instanceof DomainRejection;
}

export function invalid(
  code: string,
  message: string,
  field?: string,
  details?: Record<string, unknown>,
): DomainRejection {
  return new DomainRejection({ code, kind: 'invalid', message, field, details });
}

export function conflict(code: string, message: string, details?: Record<string, unknown>): DomainRejection {
  return new DomainRejection({ code, kind: 'conflict', message, details });
}

export function notFound(code: string, message: string, field?: string): DomainRejection {
  return new DomainRejection({ code, kind: 'not_found', message, field });
}

/** "an order", "an invoice", "a payment": the article by the entity's first letter (no entity starts with a sounded vowel letter). */
export const withArticle = (noun: string): string => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** A lifecycle transition that the state machine does not allow (409). */
export function invalidTransition(entity: string, from: string, action: string): DomainRejection {
  return conflict('INVALID_TRANSITION', `cannot ${action} ${withArticle(entity)} that is ${from}`, {
    entity,
    from,
    action,
  });
}
