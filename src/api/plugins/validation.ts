// Two validators: request bodies are validated strictly (no type coercion, unknown fields rejected,
// all errors reported), while querystring, params and headers coerce "10" to 10 as URLs require.
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ApiApp } from '../types.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}

export function registerValidators(app: ApiApp): void {
  const body = createAjv({ coerceTypes: false });
  const url = createAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : url).compile(schema));
}
