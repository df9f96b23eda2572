// Derived ids let a repeated command find what the first run made. Too long for 100 characters: hashed,
// marked `~`, which API ids never contain.
import { createHash } from 'node:crypto';

export const MAX_ID_LENGTH = 100;

export function derivedId(prefix: string, key: string, suffix = ''): string {
  const tail = suffix === '' ? '' : `_${suffix}`;
  const readable = `${prefix}_${key}${tail}`;
  if (readable.length <= MAX_ID_LENGTH) return readable;
  return `${prefix}~${createHash('sha256').update(key).digest('base64url').slice(0, 32)}${tail}`;
}
