// An id the server makes for a keyed request is derived from its key: a retry that takes over a request which
// committed and died makes the same id, so it finds what that request created instead of answering 404.
import { createHash, randomUUID } from 'node:crypto';
import { nextIdSeed } from './fence.ts';

export function newId(prefix: string): string {
  const seed = nextIdSeed();
  if (seed === undefined) return `${prefix}_${randomUUID()}`;
  const h = createHash('sha256').update(`${prefix}\u0000${seed}`).digest('hex');
  return `${prefix}_${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
