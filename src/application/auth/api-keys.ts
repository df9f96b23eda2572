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

/** The role of an active key, or undefined. */
export async function verifyApiKey(db: Queryable, plaintext: string): Promise<Role | undefined> {
  const { rows } = await db.query<{ role: Role }>('SELECT role FROM api_keys WHERE hash = $1 AND revoked_at IS NULL', [
    hashKey(plaintext),
  ]);
  return rows[0]?.role;
}

const BOOTSTRAP_ID = 'bootstrap-admin';

/**
 * Makes sure automation has an admin key. A configured BSS_ADMIN_API_KEY becomes (or replaces) the
 * bootstrap key. Without one, the first start generates a key and returns it so it can be printed once;
 * later starts return undefined.
 */
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
