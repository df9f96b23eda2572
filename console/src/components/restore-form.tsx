// Restore a consumer group (admin): to a snapshot, a time, or the earliest / latest offsets. "Plan" asks the API for a dry run and
// shows its offsets; only "Restore" after that, confirmed, commits the same request without dryRun.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { number } from '../format.ts';
import type { Group, Snapshot } from '../pages/consumer-groups.tsx';
import { ElsewhereNote } from './elsewhere-note.tsx';
import { DataTable, type Column } from './grid.tsx';
import { DateTimeField, ErrorNote, isoOf } from './fields.tsx';
import { useProblem } from '../hooks.ts';

type By = 'snapshot' | 'time' | 'earliest' | 'latest';
interface Plan {
  group: string;
  dryRun: boolean;
  partitions: { partition: number; before: number | null; after: number; redelivered: number; skipped: number }[];
  redelivered: number;
  skipped: number;
}
const PLAN: Column<Plan['partitions'][number]>[] = [
  { label: 'partition', num: true, cell: (p) => p.partition },
  { label: 'before', num: true, cell: (p) => (p.before === null ? '—' : p.before) },
  { label: 'after', num: true, cell: (p) => p.after },
  { label: 'redelivered', num: true, cell: (p) => number(p.redelivered) },
  { label: 'skipped', num: true, cell: (p) => number(p.skipped) },
];

export function RestoreForm(props: { groups: Group[]; snapshots: Snapshot[]; onRestored: () => void }) {
  const [group, setGroup] = useState(props.groups[0]?.group ?? '');
  const [by, setBy] = useState<By>('snapshot');
  const [snapshotId, setSnapshotId] = useState('');
  const [at, setAt] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const { error, attempt } = useProblem();
  const chosen = props.groups.find((g) => g.group === group);
  const topic = chosen?.topic;
  const snapshots = props.snapshots.filter((s) => s.group === group);
  const to =
    by === 'snapshot'
      ? { snapshotId: snapshotId || snapshots.at(-1)?.id }
      : by === 'time'
        ? { time: isoOf(at) }
        : { position: by };
  const request = (dryRun: boolean) =>
    api<Plan>('/event-replay/restore', { method: 'POST', body: { group, topic, to, dryRun } });
  const dryRun = (event: Event) => {
    event.preventDefault();
    void attempt(async () => setPlan(await request(true)));
  };
  const commit = () => {
    if (!window.confirm(`Move ${group} to these offsets? ${plan?.redelivered ?? 0} events are delivered again.`))
      return;
    void attempt(async () => {
      setPlan(await request(false));
      props.onRestored();
    });
  };
  return (
    <section aria-labelledby="restore-title" class="panel">
      <h2 id="restore-title">Restore a group</h2>
      <form class="compare" onSubmit={dryRun} onInput={() => setPlan(null)}>
        <label for="rs-group">Group</label>
        <select id="rs-group" value={group} onChange={(e) => setGroup(e.currentTarget.value)}>
          {props.groups.map((g) => (
            <option key={g.group}>{g.group}</option>
          ))}
        </select>
        <label for="rs-by">To</label>
        <select id="rs-by" value={by} onChange={(e) => setBy(e.currentTarget.value as By)}>
          <option value="snapshot">a snapshot</option>
          <option value="time">a time</option>
          <option value="earliest">the earliest offsets</option>
          <option value="latest">the latest offsets</option>
        </select>
        {by === 'snapshot' ? (
          <>
            <label for="rs-snapshot">Snapshot</label>
            <select
              id="rs-snapshot"
              value={snapshotId || snapshots.at(-1)?.id}
              onChange={(e) => setSnapshotId(e.currentTarget.value)}
            >
              {snapshots.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </>
        ) : by === 'time' ? (
          <DateTimeField id="rs-at" label="Time (UTC)" value={at} onChange={setAt} />
        ) : null}
        <button type="submit">Plan restore (dry run)</button>
      </form>
      <ErrorNote error={error} />
      {plan && (
        <div data-testid="restore-plan">
          <p>
            {plan.dryRun ? 'Dry run' : 'Restored'}: <strong>{plan.group}</strong> — {number(plan.redelivered)} events
            delivered again, {number(plan.skipped)} skipped.
          </p>
          <DataTable testId="restore-partitions" columns={PLAN} rows={plan.partitions} rowKey={(p) => p.partition} />
          {plan.dryRun && chosen && <ElsewhereNote group={chosen} />}
          {plan.dryRun && (
            <button type="button" onClick={commit}>
              Restore {plan.group}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
