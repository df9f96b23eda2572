// Roles are ordered: each one can do everything the ones below it can.
import { ROLES, type Role } from './api-keys.ts';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export const allows = (have: Role, need: Role): boolean => RANK[have] >= RANK[need];

/** The highest BSS role among the names (an identity provider may put unrelated roles alongside). */
export function highestRole(names: readonly unknown[]): Role | null {
  let best: Role | null = null;
  for (const name of names) {
    if (typeof name !== 'string' || !(ROLES as readonly string[]).includes(name)) continue;
    const role = name as Role;
    if (best === null || RANK[role] > RANK[best]) best = role;
  }
  return best;
}
