// What the auth plugin needs for failed sign-ins: what may be said about one (the scheme and the key
// id the credential claims, never the credential itself) and the 429 an address gets past its limit.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Credentials } from '../../application/auth/authenticator.ts';
import { sendProblem } from './problem.ts';

export interface FailedSignIn {
  readonly scheme: 'api-key' | 'bearer';
  /** The public key id an API key names (`bss_<keyId>_<secret>`) or a token's `kid`; null if none. */
  readonly keyId: string | null;
}

const API_KEY_ID = /^bss_([0-9a-f]{12})_/;
const TOKEN_KID = /^[\w.-]{1,64}$/;

function tokenKid(token: string): string | null {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown;
    const kid = (header as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' && TOKEN_KID.test(kid) ? kid : null;
  } catch {
    return null;
  }
}

export function failedSignIn(scheme: FailedSignIn['scheme'], credentials: Credentials): FailedSignIn {
  if (scheme === 'api-key') return { scheme, keyId: API_KEY_ID.exec(credentials.apiKey ?? '')?.[1] ?? null };
  return { scheme, keyId: tokenKid(credentials.bearer ?? '') };
}

export function refuseBlocked(reply: FastifyReply, request: FastifyRequest, blockedMs: number): FastifyReply {
  const seconds = Math.max(1, Math.ceil(blockedMs / 1000));
  reply.header('retry-after', String(seconds));
  return sendProblem(reply, request, {
    status: 429,
    code: 'RATE_LIMITED',
    detail: `too many failed sign-ins from this address; retry in ${seconds} s`,
    retryable: true,
  });
}
