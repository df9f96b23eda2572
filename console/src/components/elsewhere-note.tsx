// A consumer group's members on other instances: this instance cannot stop them, so the API refuses to
// restore the group (409 GROUP_ACTIVE) until they stop; the page says so before the restore is tried.
import type { Group } from '../pages/consumer-groups.tsx';

/** Members of the group that other instances run: a restore cannot stop them. */
export const membersElsewhere = (g: Group) => Math.max(0, g.members - g.membersHere);

export function ElsewhereNote({ group }: { group: Group }) {
  const n = membersElsewhere(group);
  if (n === 0) return null;
  return (
    <p role="status" class="warn" data-testid="group-elsewhere">
      Active on another instance: {n} member{n === 1 ? '' : 's'} of {group.group} run elsewhere. A restore is refused
      until their consumers stop (this instance pauses only its own).
    </p>
  );
}
