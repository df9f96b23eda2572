// Bodies are validated strictly; querystring, params and headers coerce "10" to 10 as URLs require.
// Both add one rule no schema states: every string and key must be text the store can hold.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ApiApp } from '../types.ts';
import { badTexts } from '../../application/storable-text.ts';
import { isReplayTime } from '../../replay/index.ts';
import { ITEMS_JUDGED_ONE_BY_ONE } from '../schemas/common.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
  addFormats(ajv);
  ajv.addFormat('replay-time', { type: 'string', validate: isReplayTime });
  return ajv;
}

/** Pointers of the items a schema's top-level arrays leave to the route (see ITEMS_JUDGED_ONE_BY_ONE). */
function skipOf(schema: Record<string, unknown>): (pointer: string) => boolean {
  const properties = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const arrays = Object.keys(properties).filter((key) => properties[key]?.[ITEMS_JUDGED_ONE_BY_ONE] === true);
  if (arrays.length === 0) return () => false;
  return (pointer) => arrays.some((key) => new RegExp(`^/${key}/\\d+$`).test(pointer));
}

type Validate = ((data: unknown, context?: unknown) => boolean) & {
  errors?: ErrorObject[] | null;
  schemaEnv?: unknown;
};

function withStorableText(validate: ValidateFunction, schema: Record<string, unknown>): Validate {
  const skip = skipOf(schema);
  const checked: Validate = (data, context) => {
    const valid = validate(data, context as never);
    const bad = badTexts(data, skip).map(({ pointer, message }): ErrorObject => ({
      instancePath: pointer,
      schemaPath: '#/storable-text',
      keyword: 'storableText',
      params: {},
      message,
    }));
    checked.errors = [...(valid ? [] : (validate.errors ?? [])), ...bad];
    return valid && bad.length === 0;
  };
  // Fastify passes the parent to validators with a schemaEnv, so ajv can coerce a root value.
  checked.schemaEnv = validate.schemaEnv;
  return checked;
}

export function registerValidators(app: ApiApp): void {
  const body = createAjv({ coerceTypes: false });
  const url = createAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    withStorableText((httpPart === 'body' ? body : url).compile(schema), schema as Record<string, unknown>),
  );
}
