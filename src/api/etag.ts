// ETag / If-Match for optimistic concurrency: the ETag is the read-model row's version.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export const etagOf = (version: number): string => `"${version}"`;

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', etagOf(version));
}

/** The version named by If-Match, or undefined when the header is absent or `*`. */
export function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw new AppError('INVALID_IF_MATCH', 'If-Match must be an ETag this API returned, e.g. "3"', {
      status: 400,
      errors: [{ field: '/headers/if-match', message: 'not an ETag of this API' }],
    });
  }
  return Number(match[1]);
}
