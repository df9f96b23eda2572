// Rebuild the read models (admin, on the admin-only Replay page): folds the whole log into shadow
// tables and swaps them in (POST /event-replay/rebuild), after a confirmation; shows the rows per table.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { number } from '../format.ts';
import { ErrorNote } from './fields.tsx';
import { useProblem } from '../hooks.ts';

interface Rebuilt {
  events: number;
  rows: Record<string, number>;
  swapped: boolean;
}

export function RebuildPanel() {
  const [result, setResult] = useState<Rebuilt | null>(null);
  const [busy, setBusy] = useState(false);
  const { error, attempt } = useProblem();
  const rebuild = () => {
    if (!window.confirm('Rebuild every read model from the log and swap the rebuilt tables in?')) return;
    setBusy(true);
    setResult(null);
    void attempt(async () =>
      setResult(await api<Rebuilt>('/event-replay/rebuild', { method: 'POST', body: {} })),
    ).finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="rebuild-title" class="panel">
      <h2 id="rebuild-title">Read models</h2>
      <button type="button" onClick={rebuild} disabled={busy}>
        Rebuild read models
      </button>
      <ErrorNote error={error} />
      {result && (
        <p data-testid="rebuild-result">
          Rebuilt from {number(result.events)} events{result.swapped ? ' and swapped in' : ''}:{' '}
          {Object.entries(result.rows)
            .map(([table, rows]) => `${table} ${number(rows)}`)
            .join(', ')}
        </p>
      )}
    </section>
  );
}
