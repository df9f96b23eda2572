// The time slider: a range input and a native datetime-local picker (UTC) choose a moment; the state
// then comes from reconstruct-state. Two moments give the diff and the events that made each change.
import { useEffect, useState } from 'preact/hooks';
import { api, query, type ApiError } from '../api.ts';
import { StateView } from './state-view.tsx';
import { EventDialog } from './event-dialog.tsx';
import type { ChangingEvent, CustomerView, StateDiff } from '../types.ts';
import { dateTime, fromLocalInput, toLocalInput } from '../format.ts';

const show = (value: unknown) => (value === undefined ? '∅' : JSON.stringify(value));

export function TimeTravel({ customerId, since }: { customerId: string; since: number }) {
  // Whole seconds: the slider steps by one, from a second before the customer existed to now.
  const [range] = useState(() => ({ min: Math.floor(since / 1000) - 1, max: Math.ceil(Date.now() / 1000) }));
  const [at, setAt] = useState(range.max);
  const [view, setView] = useState<CustomerView | null>(null);
  const [from, setFrom] = useState(toLocalInput(range.min * 1000));
  const [to, setTo] = useState(toLocalInput(range.max * 1000));
  const [diff, setDiff] = useState<StateDiff | null>(null);
  const [opened, setOpened] = useState<ChangingEvent | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    api<{ customers: Record<string, CustomerView> }>('/event-replay/reconstruct-state', {
      method: 'POST',
      body: { customerId, targetTime: new Date(at * 1000).toISOString() },
    })
      .then((state) => setView(state.customers[customerId] ?? null))
      .catch((e: ApiError) => setError(e.message));
  }, [at, customerId]);

  const compare = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const params = query({
        customerId,
        from: new Date(fromLocalInput(from)).toISOString(),
        to: new Date(fromLocalInput(to)).toISOString(),
      });
      setDiff(await api<StateDiff>(`/event-replay/diff?${params}`));
    } catch (e) {
      setError((e as ApiError).message);
    }
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
        <label for="tt-at" class="sr-only">
          Moment as a date and time (UTC)
        </label>
        <input
          id="tt-at"
          type="datetime-local"
          step={1}
          value={toLocalInput(at * 1000)}
          onChange={(e) => {
            const t = fromLocalInput(e.currentTarget.value);
            if (!Number.isNaN(t)) setAt(Math.floor(t / 1000));
          }}
        />
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
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
        <label for="diff-from">From (UTC)</label>
        <input
          id="diff-from"
          type="datetime-local"
          step={1}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <label for="diff-to">To (UTC)</label>
        <input id="diff-to" type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        <button type="submit">Compare</button>
      </form>
      {diff && (
        <div class="diff">
          <h4>Changes ({diff.changes.length})</h4>
          <table class="grid" data-testid="diff-changes">
            <thead>
              <tr>
                <th scope="col">field</th>
                <th scope="col">before</th>
                <th scope="col">after</th>
              </tr>
            </thead>
            <tbody>
              {diff.changes.map((c) => (
                <tr key={c.path}>
                  <td class="mono">{c.path}</td>
                  <td class="mono before">{show(c.before)}</td>
                  <td class="mono after">{show(c.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Events that made them ({diff.events.length})</h4>
          <table class="grid" data-testid="diff-events">
            <thead>
              <tr>
                <th scope="col">time</th>
                <th scope="col">type</th>
                <th scope="col">partition/offset</th>
                <th scope="col">CloudEvent</th>
              </tr>
            </thead>
            <tbody>
              {diff.events.map((e) => (
                <tr key={e.id}>
                  <td>{dateTime(e.timestamp)}</td>
                  <td>{e.type}</td>
                  <td class="mono">
                    {e.partition}/{e.offset}
                  </td>
                  <td>
                    <button type="button" class="link" onClick={() => setOpened(e)}>
                      Show {e.id.slice(0, 8)}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {opened && <EventDialog customerId={customerId} event={opened} onClose={() => setOpened(null)} />}
    </section>
  );
}
