// The one error the domain throws; its kind fixes the status: conflict 409, invalid 422, not_found 404.
import { BssError, type ErrorCode } from '../errors.ts';

export type RejectionKind = 'conflict' | 'invalid' | 'not_found';

const STATUS: Record<RejectionKind, number> = { conflict: 409, invalid: 422, not_found: 404 };

export type RejectionInit = {
  code: ErrorCode;
  kind: RejectionKind;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
};

export class DomainRejection extends BssError {
  readonly kind: RejectionKind;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(init: RejectionInit) {
    super(init.code, init.message, { status: STATUS[init.kind] });
    this.name = 'DomainRejection';
    this.kind = init.kind;
    this.field = init.field;
    this.details = init.details;
  }
}

export function isDomainRejection(error: unknown): error is DomainRejection {
  return error instanceof DomainRejection;
}

export function invalid(
  code: ErrorCode,
  message: string,
  field?: string,
  details?: Record<string, unknown>,
): DomainRejection {
  return new DomainRejection({ code, kind: 'invalid', message, field, details });
}

export function conflict(code: ErrorCode, message: string, details?: Record<string, unknown>): DomainRejection {
  return new DomainRejection({ code, kind: 'conflict', message, details });
}

export function missing(code: ErrorCode, message: string, field?: string): DomainRejection {
  return new DomainRejection({ code, kind: 'not_found', message, field });
}

export const withArticle = (noun: string): string => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

export function invalidTransition(entity: string, from: string, action: string): DomainRejection {
  return conflict('INVALID_TRANSITION', `cannot ${action} ${withArticle(entity)} that is ${from}`, {
    entity,
    from,
    action,
  });
}
