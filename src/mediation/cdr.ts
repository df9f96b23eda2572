// A CDR: one POST /usage record keyed by subscription id (in order), checked with the API's own schema.
import type { ErrorCode } from '../errors.ts';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { AppendRecord } from '../log/event-log.ts';
import type { UsageRecordInput as Cdr } from '../application/commands/usage.ts';
import { UsageRecordInput } from '../application/commands/usage-record-input.ts';

export type { Cdr };

export interface CdrRefusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
}

export type ParsedCdr = { readonly ok: true; readonly cdr: Cdr } | { readonly ok: false; readonly refusal: CdrRefusal };

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// As the API validates bodies: no coercion, unknown fields refused.
const validate = addFormats(new Ajv({ allErrors: false, strict: false, coerceTypes: false })).compile<Cdr>(
  UsageRecordInput,
);

export function parseCdr(value: string): ParsedCdr {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    return { ok: false, refusal: { code: 'MALFORMED_CDR', message: `not JSON: ${(error as Error).message}` } };
  }
  if (validate(json)) return { ok: true, cdr: json };
  const [first] = validate.errors ?? [];
  const params = (first?.params ?? {}) as Record<string, unknown>;
  const extra = typeof params['additionalProperty'] === 'string' ? `/${params['additionalProperty']}` : '';
  const missing = typeof params['missingProperty'] === 'string' ? `/${params['missingProperty']}` : '';
  return {
    ok: false,
    refusal: {
      code: 'INVALID_CDR',
      message: extra ? 'unknown field' : (first?.message ?? 'invalid'),
      field: `${first?.instancePath ?? ''}${extra}${missing}` || '/',
    },
  };
}

export function cdrRecord(cdr: Cdr): AppendRecord {
  return { key: cdr.subscriptionId, value: JSON.stringify(cdr) };
}
