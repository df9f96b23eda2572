// Consumer groups: each group's committed offset, end and lag per partition, and the offset snapshots
// (GET /consumer-groups, any role). Admins take snapshots and restore a group to a snapshot or a time:
// the dry run's plan is shown first, and only its confirmation commits (POST /event-replay/restore).
// Each group shows its live members and how many run here: members on other instances make the API
// refuse a restore (409 GROUP_ACTIVE), which the page says before and after.
import { useEffect, useState } from 'preact/hooks';
import { api, can } from '../api.ts';
import { useSession } from '../session.tsx';
import { dateTime, number } from '../format.ts';
import { DataTable, type Column } from '../components/grid.tsx';
import { ErrorNote, RefreshButton } from '../components/fields.tsx';
import { RestoreForm } from '../components/restore-form.tsx';
import { ElsewhereNote } from '../components/elsewhere-note.tsx';
import { useProblem } from '../hooks.ts';

interface Partition {
  partition: number;
  committed: number | null;
  end: number;
  lag: number;
}
export interface Group {
  group: string;
  topic: string;
  /** Live members on any instance, and how many of them this instance runs. */
  members: number;
  membersHere: number;
  partitions: Partition[];
}

export interface Snapshot {
  id: string;
  name: string;
  group: string;
  topic: string;
  offsets: { partition: number; committed: number | null }[];
  createdAt: string;
}

const PARTITIONS: Column<Partition>[] = [
  { label: 'partition', num: true, cell: (p) => p.partition },
  { label: 'committed', num: true, cell: (p) => (p.committed === null ? '—' : number(p.committed)) },
  { label: 'end', num: true, cell: (p) => number(p.end) },
  { label: 'lag', num: true, cell: (p) => number(p.lag) },
];
const SNAPSHOTS: Column<Snapshot>[] = [
  { label: 'name', cell: (s) => s.name },
  { label: 'group', class: 'mono', cell: (s) => s.group },
  {
    label: 'offsets',
    class: 'mono',
    cell: (s) => s.offsets.map((o) => `p${o.partition}@${o.committed ?? '—'}`).join(' '),
  },
  { label: 'taken', cell: (s) => dateTime(s.createdAt) },
];

function GroupCard({ group, admin, onSnapshot }: { group: Group; admin: boolean; onSnapshot: () => void }) {
  const lag = group.partitions.reduce((sum, p) => sum + p.lag, 0);
  const { error, attempt } = useProblem();
  const take = () =>
    void attempt(async () => {
      await api('/event-replay/snapshot', { method: 'POST', body: { group: group.group, topic: group.topic } });
      onSnapshot();
    });
  return (
    <section class="panel" aria-label={`group ${group.group}`} data-testid={`group-${group.group}`}>
      <h2>
        <span class="mono">{group.group}</span> <span class="muted">on {group.topic}</span>{' '}
        <span data-testid="group-lag">lag {number(lag)}</span>{' '}
        <span class="muted" data-testid="group-members">
          {group.members} member{group.members === 1 ? '' : 's'}, {group.membersHere} on this instance
        </span>
      </h2>
      <ElsewhereNote group={group} />
      <DataTable columns={PARTITIONS} rows={group.partitions} rowKey={(p) => p.partition} />
      {admin && (
        <button type="button" onClick={take}>
          Take snapshot of {group.group}
        </button>
      )}
      <ErrorNote error={error} />
    </section>
  );
}

export function ConsumerGroups() {
  const { me } = useSession();
  const admin = can(me, 'admin');
  const [data, setData] = useState<{ groups: Group[]; snapshots: Snapshot[] } | null>(null);
  const { error, attempt } = useProblem();
  const load = () => void attempt(async () => setData(await api('/consumer-groups')));
  useEffect(load, []);
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Consumer groups</h1>
      <RefreshButton onRefresh={load} />
      <ErrorNote error={error} />
      {data?.groups.map((g) => (
        <GroupCard key={`${g.group}/${g.topic}`} group={g} admin={admin} onSnapshot={load} />
      ))}
      <h2>Offset snapshots ({data?.snapshots.length ?? 0})</h2>
      {data && <DataTable testId="snapshots" columns={SNAPSHOTS} rows={data.snapshots} rowKey={(s) => s.id} />}
      {admin && data && <RestoreForm groups={data.groups} snapshots={data.snapshots} onRestored={load} />}
    </section>
  );
}
