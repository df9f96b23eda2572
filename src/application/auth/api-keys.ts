// API keys: high-entropy random secrets, stored as SHA-256 hashes (a slow password hash buys
// nothing for 256-bit random keys), shown in plaintext only once, when made.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../store/db.ts';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface IssuedKey {
  readonly keyId: string;
  readonly role: Role;
  readonly name: string;
  /** The only time the plaintext exists outside the caller's hands. */
  readonly plaintext: string;
}

export const hashKey = (plaintext: string): string => createHash('sha256').update(plaintext).digest('hex');

export async function createApiKey(db: Queryable, role: Role, name: string): Promise<IssuedKey> {
  const keyId = randomBytes(6).toString('hex');
  const plaintext = `bss_${keyId}_${randomBytes(32).toString('base64url')}`;
  await db.query('INSERT INTO api_keys (key_id, name, role, hash) VALUES ($1, $2, $3, $4)', [
    keyId,
    name,
    role,
    hashKey(plaintext),
  ]);
  return { keyId, role, name, plaintext };
}

export interface ActiveKey {
  readonly keyId: string;
  readonly role: Role;
}

export async function findApiKey(db: Queryable, hash: string): Promise<ActiveKey | undefined> {
  const { rows } = await db.query<{ key_id: string; role: Role }>(
    'SELECT key_id, role FROM api_keys WHERE hash = $1 AND revoked_at IS NULL',
    [hash],
  );
  const row = rows[0];
  return row ? { keyId: row.key_id, role: row.role } : undefined;
}

export async function verifyApiKey(db: Queryable, plaintext: string): Promise<Role | undefined> {
  return (await findApiKey(db, hashKey(plaintext)))?.role;
}

/** Running services notice a revocation within their cache TTL. */
export async function revokeApiKey(db: Queryable, keyId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL',
    [keyId],
  );
  return rowCount > 0;
}

const BOOTSTRAP_ID = 'bootstrap-admin';

/** Without BSS_ADMIN_API_KEY, only the first start generates an admin key, returned to be printed once. */
export async function ensureAdminKey(db: Queryable, configured: string | undefined): Promise<IssuedKey | undefined> {
  if (configured !== undefined) {
    await db.query(
      `INSERT INTO api_keys (key_id, name, role, hash) VALUES ($1, 'bootstrap admin (BSS_ADMIN_API_KEY)', 'admin', $2)
       ON CONFLICT (key_id) DO UPDATE SET hash = EXCLUDED.hash, revoked_at = NULL`,
      [BOOTSTRAP_ID, hashKey(configured)],
    );
    return undefined;
  }
  const { rows } = await db.query("SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1");
  if (rows.length > 0) return undefined;
  return createApiKey(db, 'admin', 'generated on first start');
}
