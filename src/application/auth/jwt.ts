// Only asymmetric algorithms are accepted, so a token can never be "signed" with the public key as an
// HMAC secret.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../../config.ts';
import { unavailable } from '../../errors.ts';
import type { Role } from './api-keys.ts';
import { highestRole } from './roles.ts';

const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
const CLOCK_TOLERANCE_S = 30;

/** Failures that say the token is bad; anything else (JWKS unreachable, timeouts) is ours, a 503. */
const TOKEN_ERRORS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

export interface JwtIdentity {
  readonly subject: string;
  /** null when the token carries no BSS role: authenticated, but allowed nothing. */
  readonly role: Role | null;
}

export type JwtVerification =
  { readonly ok: true; readonly identity: JwtIdentity } | { readonly ok: false; readonly reason: string };

export interface JwtVerifier {
  /** Rejects with a 503 BssError only when the key source cannot be reached. */
  verify(token: string): Promise<JwtVerification>;
}

export function roleFromClaim(value: unknown): Role | null {
  if (Array.isArray(value)) return highestRole(value);
  if (typeof value === 'string') return highestRole(value.split(/[\s,]+/));
  return null;
}

export function createJwtVerifier(config: JwtConfig): JwtVerifier {
  let key: KeyObject | JWTVerifyGetKey;
  if (config.jwksUrl) key = createRemoteJWKSet(new URL(config.jwksUrl));
  else if (config.publicKeyPem) key = createPublicKey(config.publicKeyPem);
  else throw new Error('JWT verification needs a JWKS URL or a public key');

  const options = {
    algorithms: ALGORITHMS,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ['sub', 'exp'],
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: [...config.audience] } : {}),
  };

  return {
    async verify(token) {
      try {
        const { payload } =
          typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
        return {
          ok: true,
          identity: { subject: payload.sub as string, role: roleFromClaim(payload[config.roleClaim]) },
        };
      } catch (error) {
        if (TOKEN_ERRORS.some((type) => error instanceof type)) {
          return { ok: false, reason: (error as Error).message };
        }
        throw unavailable('the JWT key set', error);
      }
    },
  };
}
