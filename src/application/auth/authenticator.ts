// Who is calling: an API key (X-API-Key) or a bearer JWT, turned into a principal with a role. The
// HTTP layer extracts the credentials and decides what a role may do; this decides who it is.
import type { Role } from './api-keys.ts';
import type { CachedApiKeys } from './cached-api-keys.ts';
import type { JwtVerifier } from './jwt.ts';

export interface Principal {
  /** Stable caller identity, e.g. for scoping idempotency keys: `key:<keyId>` or `jwt:<subject>`. */
  readonly id: string;
  readonly role: Role | null;
  readonly via: 'api-key' | 'bearer';
}

export interface Credentials {
  readonly apiKey?: string;
  readonly bearer?: string;
}

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly scheme: 'api-key' | 'bearer' | 'none'; readonly reason: string };

export interface Authenticator {
  readonly bearer: boolean;
  authenticate(credentials: Credentials): Promise<Authentication>;
}

export function createAuthenticator(apiKeys: CachedApiKeys, jwt: JwtVerifier | undefined): Authenticator {
  return {
    bearer: jwt !== undefined,
    async authenticate({ apiKey, bearer }) {
      if (apiKey !== undefined && bearer !== undefined) {
        return { ok: false, scheme: 'none', reason: 'send either X-API-Key or Authorization, not both' };
      }
      if (apiKey !== undefined) {
        const key = await apiKeys.verify(apiKey);
        if (!key) return { ok: false, scheme: 'api-key', reason: 'the API key is unknown or revoked' };
        return { ok: true, principal: { id: `key:${key.keyId}`, role: key.role, via: 'api-key' } };
      }
      if (bearer !== undefined) {
        if (!jwt) return { ok: false, scheme: 'bearer', reason: 'bearer tokens are not accepted by this service' };
        const verified = await jwt.verify(bearer);
        if (!verified.ok) return { ok: false, scheme: 'bearer', reason: `invalid token: ${verified.reason}` };
        const { subject, role } = verified.identity;
        return { ok: true, principal: { id: `jwt:${subject}`, role, via: 'bearer' } };
      }
      return { ok: false, scheme: 'none', reason: 'credentials are required: X-API-Key or Authorization: Bearer' };
    },
  };
}
