// A debug session's breakpoints: on an event type, or on a condition over a customer's view
// (path op value, e.g. balance.balance lt 0) becoming true; added and removed through the API.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorNote } from './fields.tsx';
import { useProblem } from '../hooks.ts';

export type Breakpoint = { id: string } & (
  { kind: 'type'; type: string } | { kind: 'state'; path: string; op: string; value?: unknown }
);
const OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'exists', 'missing'];

const describe = (b: Breakpoint) =>
  b.kind === 'type'
    ? `type ${b.type}`
    : `${b.path} ${b.op}${b.value === undefined ? '' : ` ${JSON.stringify(b.value)}`}`;

/** A typed value: JSON when it parses (numbers, true, "text"), else the text itself. */
const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export function Breakpoints(props: { sessionId: string; breakpoints: Breakpoint[]; onChange: () => void }) {
  const [kind, setKind] = useState<'type' | 'state'>('type');
  const [type, setType] = useState('');
  const [path, setPath] = useState('');
  const [op, setOp] = useState('eq');
  const [value, setValue] = useState('');
  const { error, attempt } = useProblem();
  const base = `/event-replay/debug-session/${props.sessionId}/breakpoints`;
  const add = (event: Event) => {
    event.preventDefault();
    const body =
      kind === 'type'
        ? { kind, type: type.trim() }
        : { kind, path: path.trim(), op, ...(value.trim() ? { value: parsed(value.trim()) } : {}) };
    void attempt(async () => {
      await api(base, { method: 'POST', body });
      props.onChange();
    });
  };
  const remove = (id: string) =>
    void attempt(async () => {
      await api(`${base}/${id}`, { method: 'DELETE' });
      props.onChange();
    });
  return (
    <section aria-labelledby="bp-title">
      <h2 id="bp-title">Breakpoints ({props.breakpoints.length})</h2>
      <ul data-testid="breakpoints">
        {props.breakpoints.map((b) => (
          <li key={b.id}>
            {describe(b)}{' '}
            <button
              type="button"
              class="link"
              onClick={() => remove(b.id)}
              aria-label={`Remove breakpoint ${describe(b)}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form class="compare" onSubmit={add}>
        <label for="bp-kind">Break on</label>
        <select id="bp-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'type' | 'state')}>
          <option value="type">an event type</option>
          <option value="state">a state condition</option>
        </select>
        {kind === 'type' ? (
          <>
            <label for="bp-type">Event type</label>
            <input id="bp-type" value={type} onInput={(e) => setType(e.currentTarget.value)} />
          </>
        ) : (
          <>
            <label for="bp-path">Path</label>
            <input
              id="bp-path"
              placeholder="balance.balance"
              value={path}
              onInput={(e) => setPath(e.currentTarget.value)}
            />
            <label for="bp-op">Operator</label>
            <select id="bp-op" value={op} onChange={(e) => setOp(e.currentTarget.value)}>
              {OPS.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
            <label for="bp-value">Value</label>
            <input id="bp-value" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </>
        )}
        <button type="submit">Add breakpoint</button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
