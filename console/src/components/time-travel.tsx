// The time slider: a range input and a native datetime-local picker (UTC) choose a moment; the state
// then comes from reconstruct-state. Two moments give the diff and the events that made each change.
import { useEffect, useState } from 'preact/hooks';
import { api, query, type ApiError } from '../api.ts';
import { StateView } from './state-view.tsx';
import { EventDialog } from './event-dialog.tsx';
import { DataTable, type Column } from './grid.tsx';
import { DateTimeField, ErrorNote, isoOf } from './fields.tsx';
import { useProblem } from '../hooks.ts';
import type { ChangingEvent, CustomerView, StateDiff } from '../types.ts';
import { dateTime, fromLocalInput, toLocalInput } from '../format.ts';

const show = (value: unknown) => (value === undefined ? '∅' : JSON.stringify(value));
const CHANGES: Column<StateDiff['changes'][number]>[] = [
  { label: 'field', class: 'mono', cell: (c) => c.path },
  { label: 'before', class: 'mono before', cell: (c) => show(c.before) },
  { label: 'after', class: 'mono after', cell: (c) => show(c.after) },
];
export const EVENTS: Column<ChangingEvent>[] = [
  { label: 'time', cell: (e) => dateTime(e.timestamp) },
  { label: 'type', cell: (e) => e.type },
  { label: 'partition/offset', class: 'mono', cell: (e) => `${e.partition}/${e.offset}` },
];
export const ShowButton = ({ event, onShow }: { event: ChangingEvent; onShow: (e: ChangingEvent) => void }) => (
  <button type="button" class="link" onClick={() => onShow(event)}>
    Show {event.id.slice(0, 8)}
  </button>
);

/** `initialAt` (ms), e.g. just before an event picked on the Timeline; default now. */
export function TimeTravel(props: { customerId: string; since: number; initialAt?: number | undefined }) {
  const { customerId, since, initialAt } = props;
  // Whole seconds: the slider steps by one, from a second before the customer existed to now.
  const [range] = useState(() => ({ min: Math.floor(since / 1000) - 1, max: Math.ceil(Date.now() / 1000) }));
  const [at, setAt] = useState(() =>
    initialAt === undefined ? range.max : Math.min(range.max, Math.max(range.min, Math.floor(initialAt / 1000))),
  );
  const [view, setView] = useState<CustomerView | null>(null);
  const [from, setFrom] = useState(toLocalInput(range.min * 1000));
  const [to, setTo] = useState(toLocalInput(range.max * 1000));
  const [diff, setDiff] = useState<StateDiff | null>(null);
  const [opened, setOpened] = useState<ChangingEvent | null>(null);
  const { error, setError, attempt } = useProblem();

  useEffect(() => {
    setError(null);
    api<{ customers: Record<string, CustomerView> }>('/event-replay/reconstruct-state', {
      method: 'POST',
      body: { customerId, targetTime: new Date(at * 1000).toISOString() },
    })
      .then((state) => setView(state.customers[customerId] ?? null))
      .catch((e: ApiError) => setError(e.message));
  }, [at, customerId]);

  const compare = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      const params = query({ customerId, from: isoOf(from), to: isoOf(to) });
      setDiff(await api<StateDiff>(`/event-replay/diff?${params}`));
    });
  };

  return (
    <section aria-labelledby="tt-title" class="panel">
      <h2 id="tt-title">Time travel</h2>
      <div class="slider">
        <label for="tt-slider">Moment (UTC)</label>
        <input
          id="tt-slider"
          type="range"
          min={range.min}
          max={range.max}
          step={1}
          value={at}
          aria-valuetext={dateTime(at * 1000)}
          onChange={(e) => setAt(Number(e.currentTarget.value))}
        />
        <DateTimeField
          id="tt-at"
          label="Moment as a date and time (UTC)"
          hideLabel
          value={toLocalInput(at * 1000)}
          onChange={(value) => {
            const t = fromLocalInput(value);
            if (!Number.isNaN(t)) setAt(Math.floor(t / 1000));
          }}
        />
      </div>
      <ErrorNote error={error} />
      {view && (
        <>
          <p class="muted" data-testid="as-of">
            State at {dateTime(at * 1000)} · last event {dateTime(view.asOf ?? null)}
          </p>
          <StateView view={view} label="at" />
        </>
      )}

      <h3>Compare two moments</h3>
      <form class="compare" onSubmit={compare}>
        <DateTimeField id="diff-from" label="From (UTC)" value={from} onChange={setFrom} />
        <DateTimeField id="diff-to" label="To (UTC)" value={to} onChange={setTo} />
        <button type="submit">Compare</button>
      </form>
      {diff && (
        <div class="diff">
          <h4>Changes ({diff.changes.length})</h4>
          <DataTable testId="diff-changes" columns={CHANGES} rows={diff.changes} rowKey={(c) => c.path} />
          <h4>Events that made them ({diff.events.length})</h4>
          <DataTable
            testId="diff-events"
            columns={[...EVENTS, { label: 'CloudEvent', cell: (e) => <ShowButton event={e} onShow={setOpened} /> }]}
            rows={diff.events}
            rowKey={(e) => e.id}
          />
        </div>
      )}
      {opened && <EventDialog customerId={customerId} event={opened} onClose={() => setOpened(null)} />}
    </section>
  );
}
