import type { FastifyReply, FastifyRequest } from 'fastify';
import { BssError } from '../errors.ts';
import type { ExpectedVersion } from '../application/commands/expect-version.ts';

export const etagOf = (version: number): string => `"${version}"`;

export function withEtag<S>(reply: FastifyReply, row: { readonly state: S; readonly version: number }): S {
  reply.header('etag', etagOf(row.version));
  return row.state;
}

// One list element of RFC 9110 §8.8.3: [W/] DQUOTE *etagc DQUOTE, or an empty element, then "," or the end.
const ELEMENT = /[ \t]*(?:(W\/)?"([\x21\x23-\x7E\x80-\xFF]*)")?[ \t]*(,|$)/y;
const VERSION = /^\d{1,9}$/;

function entityTags(header: string): { weak: boolean; opaque: string }[] | undefined {
  const tags: { weak: boolean; opaque: string }[] = [];
  ELEMENT.lastIndex = 0;
  for (;;) {
    const match = ELEMENT.exec(header);
    if (!match) return undefined;
    if (match[2] !== undefined) tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    if (match[3] === '') return tags.length > 0 ? tags : undefined;
  }
}

/** Strong comparison (§13.1.1): weak or foreign tags match nothing (412); only a malformed list is a 400. */
export function ifMatch(request: FastifyRequest): ExpectedVersion | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const tags = entityTags(header);
  if (!tags) {
    throw new BssError('INVALID_IF_MATCH', 'If-Match must be "*" or a list of entity tags, e.g. "3"', {
      status: 400,
      errors: [{ field: '/headers/if-match', message: 'not an entity-tag list (RFC 9110 §13.1.1)' }],
    });
  }
  return tags.filter((t) => !t.weak && VERSION.test(t.opaque)).map((t) => Number(t.opaque));
}
