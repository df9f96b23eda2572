// A nesting-depth limit in front of Fastify's JSON parser: every recursive walk after parsing (request
// fingerprints, PostgreSQL's jsonb) would overflow its stack on a body nested thousands deep.
import type { FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.ts';
import { BssError } from '../../errors.ts';

/** Far deeper than any schema of this API. */
export const MAX_JSON_DEPTH = 64;

export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function registerJsonBodyParser(app: ApiApp, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (nestsDeeperThan(text, maxDepth)) {
        done(
          new BssError('JSON_TOO_DEEP', `the JSON body nests arrays and objects deeper than ${maxDepth} levels`, {
            status: 400,
            errors: [{ field: '/body', message: `nested deeper than ${maxDepth} levels` }],
          }),
        );
        return;
      }
      parse(request, text, done);
    },
  );
}
