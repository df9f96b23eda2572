// Timeline (admin): a histogram of the log over a window (drag to zoom, or type the window) above the
// events of that window, filtered by type, customer and source on the server and by free text in the
// loaded page, cursor-paginated (GET /event-replay/timeline): never the whole log at once.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, query, type ApiError } from '../api.ts';
import { HistogramChart } from '../components/histogram.tsx';
import { JsonDialog } from '../components/json-dialog.tsx';
import { TimelineEventBody } from '../components/event-dialog.tsx';
import type { TimelineEvent } from '../types.ts';
import { dateTime, fromLocalInput, number, toLocalInput } from '../format.ts';

interface Histogram {
  start: number | null;
  end: number | null;
  bucketMs: number;
  buckets: { start: number; count: number }[];
  total: number;
}
interface Window {
  start?: number;
  end?: number;
}
interface Filters {
  type: string;
  customerId: string;
  source: string;
}

const PAGE = 50;

function useTimeline(window: Window, filters: Filters) {
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const params = (next?: string) =>
    query({
      startTime: window.start,
      endTime: window.end,
      type: filters.type.trim(),
      customerId: filters.customerId.trim(),
      source: filters.source.trim(),
      maxEvents: PAGE,
      cursor: next,
    });
  const load = async (next?: string) => {
    setError(null);
    try {
      const page = await api<{ events: TimelineEvent[]; nextCursor: string | null }>(
        `/event-replay/timeline?${params(next)}`,
      );
      setEvents((previous) => (next ? [...previous, ...page.events] : page.events));
      setCursor(page.nextCursor);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  useEffect(() => void load(), [window, filters]);
  return { events, cursor, error, more: () => cursor && load(cursor) };
}

export function Timeline() {
  const [window, setWindow] = useState<Window>({});
  const [histogram, setHistogram] = useState<Histogram | null>(null);
  const [draft, setDraft] = useState<Filters>({ type: '', customerId: '', source: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [text, setText] = useState('');
  const [opened, setOpened] = useState<TimelineEvent | null>(null);
  const { events, cursor, error, more } = useTimeline(window, filters);

  useEffect(() => {
    api<Histogram>(`/event-replay/histogram?${query({ startTime: window.start, endTime: window.end, buckets: 60 })}`)
      .then(setHistogram)
      .catch(() => setHistogram(null));
  }, [window]);

  const shown = text.trim()
    ? events.filter((e) => JSON.stringify(e).toLowerCase().includes(text.trim().toLowerCase()))
    : events;
  const setBound = (which: 'start' | 'end', value: string) => {
    const t = fromLocalInput(value);
    if (!Number.isNaN(t)) setWindow((w) => ({ ...w, [which]: t }));
  };

  return (
    <section aria-labelledby="timeline-title">
      <h1 id="timeline-title">Timeline</h1>
      <form
        class="compare"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <label for="f-type">Types</label>
        <input
          id="f-type"
          placeholder="customer.suspended,order.placed"
          value={draft.type}
          onInput={(e) => setDraft({ ...draft, type: e.currentTarget.value })}
        />
        <label for="f-customer">Customer id</label>
        <input
          id="f-customer"
          value={draft.customerId}
          onInput={(e) => setDraft({ ...draft, customerId: e.currentTarget.value })}
        />
        <label for="f-source">Source</label>
        <input
          id="f-source"
          value={draft.source}
          onInput={(e) => setDraft({ ...draft, source: e.currentTarget.value })}
        />
        <button type="submit">Apply filters</button>
      </form>
      <div class="compare">
        <label for="w-start">From (UTC)</label>
        <input
          id="w-start"
          type="datetime-local"
          step={1}
          value={histogram?.start != null ? toLocalInput(histogram.start) : ''}
          onChange={(e) => setBound('start', e.currentTarget.value)}
        />
        <label for="w-end">To (UTC)</label>
        <input
          id="w-end"
          type="datetime-local"
          step={1}
          value={histogram?.end != null ? toLocalInput(histogram.end) : ''}
          onChange={(e) => setBound('end', e.currentTarget.value)}
        />
        <button
          type="button"
          onClick={() => setWindow({})}
          disabled={window.start === undefined && window.end === undefined}
        >
          Whole log
        </button>
        <span class="muted" data-testid="histogram-total">
          {histogram ? `${number(histogram.total)} events in the window` : ''}
        </span>
      </div>
      {histogram && histogram.buckets.length > 0 && (
        <HistogramChart
          buckets={histogram.buckets}
          bucketMs={histogram.bucketMs}
          onBrush={(start, end) => setWindow({ start, end })}
        />
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="compare">
        <label for="f-text">Find in the loaded events</label>
        <input id="f-text" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <span class="muted" data-testid="loaded-count">
          {shown.length} shown of {events.length} loaded{cursor ? ' (more in the window)' : ''}
        </span>
      </div>
      <table class="grid" data-testid="timeline-events">
        <thead>
          <tr>
            <th scope="col">time</th>
            <th scope="col">type</th>
            <th scope="col">customer</th>
            <th scope="col">source</th>
            <th scope="col">partition/offset</th>
            <th scope="col">event</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={`${e.partition}/${e.offset}`}>
              <td>{dateTime(e.timestamp)}</td>
              <td>{e.type ?? <span class="error">invalid</span>}</td>
              <td>
                <Link href={`/customers/${encodeURIComponent(e.customerId)}`}>{e.customerId}</Link>
              </td>
              <td class="mono">{e.source}</td>
              <td class="mono">
                {e.partition}/{e.offset}
              </td>
              <td>
                <button type="button" class="link" onClick={() => setOpened(e)}>
                  Show
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <p>
          <button type="button" onClick={() => void more()}>
            Load {PAGE} more
          </button>
        </p>
      )}
      {opened && (
        <JsonDialog
          title={opened.type ?? 'invalid record'}
          subtitle={`partition ${opened.partition}, offset ${opened.offset}`}
          onClose={() => setOpened(null)}
        >
          <TimelineEventBody event={opened} />
        </JsonDialog>
      )}
    </section>
  );
}
