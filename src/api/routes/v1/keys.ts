import type { ApiApp } from '../../types.ts';
import type { ApiKeyAdmin } from '../../../application/auth/key-admin.ts';
import { API_KEY_CACHE_TTL_MS } from '../../../application/auth/cached-api-keys.ts';
import { notFound } from '../../../errors.ts';
import { ReadErrors, WriteErrors } from '../../schemas/common.ts';
import { CreateKeyBody, CreatedKey, KeyInfo, KeyList, KeyListQuery, KeyParams } from '../../schemas/keys.ts';

const tags = ['keys'];
const admin = { role: 'admin' } as const;

export function keyRoutes(keys: ApiKeyAdmin) {
  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/keys',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Issue an API key; the key is returned once, only its SHA-256 hash is kept',
          body: CreateKeyBody,
          response: { 201: CreatedKey, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const { role, name } = request.body;
        const actor = request.principal?.id ?? 'unknown';
        const issued = await keys.create(role, name ?? `${role} key`, actor);
        reply.code(201).header('cache-control', 'no-store');
        const { keyId, createdAt, plaintext } = issued;
        return { keyId, name: issued.name, role: issued.role, createdAt, key: plaintext };
      },
    );

    api.get(
      '/keys',
      {
        config: admin,
        schema: {
          tags,
          summary: 'API keys (never the keys themselves): id, name, role, created, last used, revoked',
          querystring: KeyListQuery,
          response: { 200: KeyList, ...ReadErrors },
        },
      },
      async (request) => ({ items: await keys.list({ includeRevoked: request.query.includeRevoked ?? false }) }),
    );

    api.post(
      '/keys/:keyId/revoke',
      {
        config: admin,
        schema: {
          tags,
          summary: `Revoke a key; every instance refuses it within ${API_KEY_CACHE_TTL_MS / 1000} s (its cache)`,
          params: KeyParams,
          response: { 200: KeyInfo, ...WriteErrors },
        },
      },
      async (request) => {
        const revoked = await keys.revoke(request.params.keyId, request.principal?.id ?? 'unknown');
        if (!revoked) throw notFound('active API key', request.params.keyId);
        return revoked;
      },
    );
  };
}
