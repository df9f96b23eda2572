// Debug sessions (admin): a cursor in the log with the state reconstructed there. Open one at a time
// (from a range brushed on the Timeline, or typed), step, seek, stop at breakpoints, play on at a speed
// (a controlled replay), and watch the stream of stepped events beside the customer's state at the
// cursor (/event-replay/debug-session).
import { useState } from 'preact/hooks';
import { useSearch } from 'wouter-preact';
import { api, query } from '../api.ts';
import { dateTime, toLocalInput } from '../format.ts';
import type { CustomerView } from '../types.ts';
import { DateTimeField, ErrorNote, isoOf } from '../components/fields.tsx';
import { DataTable, type Column } from '../components/grid.tsx';
import { StateView } from '../components/state-view.tsx';
import { Breakpoints, type Breakpoint } from '../components/breakpoints.tsx';
import { ControlledReplay } from '../components/controlled-replay.tsx';
import { useProblem } from '../hooks.ts';

interface Session {
  id: string;
  time: number | null;
  cursor: Record<string, number>;
  customers: number;
  breakpoints: Breakpoint[];
  filter: { customerId?: string; types?: string[] };
}
interface Stepped {
  partition: number;
  offset: number;
  timestamp: number;
  customerId: string;
  id: string;
  type: string;
  hit: boolean;
}
interface StepResult {
  events: Omit<Stepped, 'hit'>[];
  hit: Breakpoint[];
  atEnd: boolean;
  session: Session;
}

const STREAM: Column<Stepped>[] = [
  { label: 'time', cell: (e) => dateTime(e.timestamp) },
  { label: 'type', cell: (e) => (e.hit ? <strong class="error">{e.type} ● breakpoint</strong> : e.type) },
  { label: 'customer', class: 'mono', cell: (e) => e.customerId },
  { label: 'partition/offset', class: 'mono', cell: (e) => `${e.partition}/${e.offset}` },
];
const position = (s: Session) =>
  `${dateTime(s.time)} · ${Object.entries(s.cursor)
    .map(([p, o]) => `p${p}@${o}`)
    .join(' ')}`;

function OpenForm({ onOpen }: { onOpen: (s: Session) => void }) {
  const linked = new URLSearchParams(useSearch());
  const [at, setAt] = useState(linked.get('at') ? toLocalInput(Number(linked.get('at'))) : '');
  const [customerId, setCustomerId] = useState(linked.get('customerId') ?? '');
  const [types, setTypes] = useState(linked.get('type') ?? '');
  const { error, attempt } = useProblem();
  const open = (event: Event) => {
    event.preventDefault();
    const list = types.split(',').flatMap((t) => (t.trim() ? [t.trim()] : []));
    const filter = {
      ...(customerId.trim() ? { customerId: customerId.trim() } : {}),
      ...(list.length ? { types: list } : {}),
    };
    const body = { ...(isoOf(at) ? { at: isoOf(at) } : {}), ...(Object.keys(filter).length ? { filter } : {}) };
    void attempt(async () => onOpen(await api<Session>('/event-replay/debug-session', { method: 'POST', body })));
  };
  return (
    <form class="compare" onSubmit={open}>
      <DateTimeField id="d-at" label="Open at (UTC)" value={at} onChange={setAt} />
      <label for="d-customer">Customer id</label>
      <input id="d-customer" value={customerId} onInput={(e) => setCustomerId(e.currentTarget.value)} />
      <label for="d-types">Types</label>
      <input id="d-types" value={types} onInput={(e) => setTypes(e.currentTarget.value)} />
      <button type="submit">Open session</button>
      <ErrorNote error={error} />
    </form>
  );
}

function useDebugSession(initial: Session) {
  const [session, setSession] = useState(initial);
  const [stream, setStream] = useState<Stepped[]>([]);
  const [view, setView] = useState<CustomerView | null>(null);
  const [atEnd, setAtEnd] = useState(false);
  const problem = useProblem();
  const base = `/event-replay/debug-session/${session.id}`;
  const showState = async (s: Session, customerId: string | undefined) => {
    setSession(s);
    if (!customerId) return;
    const { state } = await api<{ state: CustomerView }>(`${base}/state?${query({ customerId })}`);
    setView(state);
  };
  const focus = () => session.filter.customerId ?? stream.at(-1)?.customerId;
  return {
    session,
    stream,
    view,
    atEnd,
    error: problem.error,
    step: (n: number) =>
      problem.attempt(async () => {
        const r = await api<StepResult>(`${base}/step?n=${n}`, { method: 'POST' });
        const hitOn = r.hit.length > 0 ? r.events.at(-1)?.id : undefined;
        setStream((list) => [...list, ...r.events.map((e) => ({ ...e, hit: e.id === hitOn }))].slice(-200));
        setAtEnd(r.atEnd);
        await showState(r.session, session.filter.customerId ?? r.events.at(-1)?.customerId ?? focus());
      }),
    seek: (iso: string) =>
      problem.attempt(async () => {
        const s = await api<Session>(`${base}/seek?${query({ time: iso })}`, { method: 'POST' });
        setStream([]);
        setAtEnd(false);
        await showState(s, focus());
      }),
    /** The session's position and the state there again (after a breakpoint change or a controlled replay). */
    refresh: () => problem.attempt(async () => showState(await api<Session>(base), focus())),
  };
}

function SessionPanel({ initial, onClose }: { initial: Session; onClose: () => void }) {
  const { session, stream, view, atEnd, error, step, seek, refresh } = useDebugSession(initial);
  const [seekTo, setSeekTo] = useState('');
  const close = () => void api(`/event-replay/debug-session/${session.id}`, { method: 'DELETE' }).finally(onClose);
  return (
    <>
      <p data-testid="debug-position" data-session={session.id}>
        Session <span class="mono">{session.id.slice(0, 8)}</span> at {position(session)} · {session.customers}{' '}
        customers in view {atEnd && <strong data-testid="debug-at-end">· end of the log</strong>}
      </p>
      <div class="compare">
        <button type="button" onClick={() => void step(1)}>
          Step
        </button>
        <button type="button" onClick={() => void step(100)}>
          Run to breakpoint (100)
        </button>
        <DateTimeField id="d-seek" label="Seek to (UTC)" value={seekTo} onChange={setSeekTo} />
        <button type="button" disabled={!isoOf(seekTo)} onClick={() => void seek(isoOf(seekTo)!)}>
          Seek
        </button>
        <button type="button" class="link" onClick={close}>
          Close session
        </button>
      </div>
      <ErrorNote error={error} />
      <Breakpoints sessionId={session.id} breakpoints={session.breakpoints} onChange={() => void refresh()} />
      <ControlledReplay sessionId={session.id} onStatus={() => void refresh()} />
      <div class="debug">
        <section aria-labelledby="stream-title" class="panel">
          <h2 id="stream-title">Stream ({stream.length})</h2>
          <DataTable
            testId="debug-stream"
            columns={STREAM}
            rows={stream}
            rowKey={(e) => `${e.partition}/${e.offset}`}
          />
        </section>
        <section aria-labelledby="debug-state-title" class="panel">
          <h2 id="debug-state-title">State at the cursor</h2>
          {view ? <StateView view={view} label="cursor" /> : <p class="muted">Step to see a customer’s state.</p>}
        </section>
      </div>
    </>
  );
}

export function Debug() {
  const [session, setSession] = useState<Session | null>(null);
  return (
    <section aria-labelledby="debug-title">
      <h1 id="debug-title">Debug session</h1>
      {session ? (
        <SessionPanel key={session.id} initial={session} onClose={() => setSession(null)} />
      ) : (
        <OpenForm onOpen={setSession} />
      )}
    </section>
  );
}
