// Ids derived from other ids, so that repeating a command finds what the first run made (a bill run
// re-run finds the invoice it issued). Event ids are limited to 100 characters (events/schemas.ts):
// a readable id is used when it fits, otherwise the key is hashed. `~` marks the hashed form; API
// ids never contain it, so the two forms cannot collide.
import { createHash } from 'node:crypto';

export const MAX_ID_LENGTH = 100;

export function derivedId(prefix: string, key: string, suffix = ''): string {
  const tail = suffix === '' ? '' : `_${suffix}`;
  const readable = `${prefix}_${key}${tail}`;
  if (readable.length <= MAX_ID_LENGTH) return readable;
  return `${prefix}~${createHash('sha256').update(key).digest('base64url').slice(0, 32)}${tail}`;
}
