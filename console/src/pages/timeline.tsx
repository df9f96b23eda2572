// Timeline (admin): a histogram of the log over a window (drag to zoom, or type the window) above the
// events of that window, both filtered on the server by type, customer, source and free text (a
// filtered histogram reads a bounded number of records and says when it is partial). The list is
// cursor-paginated (GET /event-replay/timeline): never the whole log at once; a page asks again with
// the cursor (up to 20 times) while a rare filter has matched fewer than 50.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Link, useSearch } from 'wouter-preact';
import { api, query } from '../api.ts';
import { DataTable, type Column } from '../components/grid.tsx';
import { DateTimeField, ErrorNote } from '../components/fields.tsx';
import { useProblem } from '../hooks.ts';
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
  /** A filtered histogram reads the window's records up to a limit: then counts stop at countedUntil. */
  scanned: number;
  partial: boolean;
  countedUntil: number | null;
  /** 'log': the database log counted the filter exactly over the whole window. */
  countedBy: 'positions' | 'log' | 'scan';
}
interface Window {
  start?: number;
  end?: number;
}
interface Filters {
  type: string;
  customerId: string;
  source: string;
  text: string;
}

const PAGE = 50;
/** Requests one "page" may take when the filter matches little (each reads ≤ 10,000 records). */
const ASKS = 20;

function useTimeline(range: Window, filters: Filters) {
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const { error, attempt } = useProblem();
  const params = (next?: string) =>
    query({
      startTime: range.start,
      endTime: range.end,
      ...serverFilter(filters),
      maxEvents: PAGE,
      cursor: next,
    });
  // Only the latest request's answer counts: a slow page of the old window or filters must not land.
  const latest = useRef(0);
  const load = (next?: string) =>
    attempt(async () => {
      const asked = ++latest.current;
      // The server reads at most 10,000 records a request: a rare filter needs several to fill a page.
      const found: TimelineEvent[] = [];
      let cursor = next;
      for (let request = 0; request < ASKS; request++) {
        const page = await api<{ events: TimelineEvent[]; nextCursor: string | null }>(
          `/event-replay/timeline?${params(cursor)}`,
        );
        if (asked !== latest.current) return;
        found.push(...page.events);
        cursor = page.nextCursor ?? undefined;
        if (found.length >= PAGE || !cursor) break;
      }
      setEvents((previous) => (next ? [...previous, ...found] : found));
      setCursor(cursor ?? null);
    });
  useEffect(() => void load(), [range, filters]);
  return { events, cursor, error, more: () => cursor && load(cursor) };
}

/** The filter the server applies, to the list and to the histogram alike. */
const serverFilter = (f: Filters) => ({
  type: f.type.trim(),
  customerId: f.customerId.trim(),
  source: f.source.trim(),
  q: f.text.trim(),
});

const ms = (value: string | null) => (value && Number.isFinite(Number(value)) ? Number(value) : undefined);

/** The window and filters a link may carry: ?start=&end= (ms), ?type=, ?customerId=, ?source=, ?q=. */
function fromSearch(search: string): { window: Window; filters: Filters } {
  const p = new URLSearchParams(search);
  const start = ms(p.get('start'));
  const end = ms(p.get('end'));
  return {
    window: { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) },
    filters: {
      type: p.get('type') ?? '',
      customerId: p.get('customerId') ?? '',
      source: p.get('source') ?? '',
      text: p.get('q') ?? '',
    },
  };
}

const eventColumns = (open: (e: TimelineEvent) => void): Column<TimelineEvent>[] => [
  { label: 'time', cell: (e) => dateTime(e.timestamp) },
  { label: 'type', cell: (e) => e.type ?? <span class="error">invalid</span> },
  {
    label: 'customer',
    // The customer as it was just before this event.
    cell: (e) => (
      <Link href={`/customers/${encodeURIComponent(e.customerId)}?at=${e.timestamp - 1}`}>{e.customerId}</Link>
    ),
  },
  { label: 'source', class: 'mono', cell: (e) => e.source },
  { label: 'partition/offset', class: 'mono', cell: (e) => `${e.partition}/${e.offset}` },
  {
    label: 'event',
    cell: (e) => (
      <button type="button" class="link" onClick={() => open(e)}>
        Show
      </button>
    ),
  },
];

export function Timeline() {
  const search = useSearch();
  const [linked] = useState(() => fromSearch(search));
  const [range, setRange] = useState<Window>(linked.window);
  const [histogram, setHistogram] = useState<Histogram | null>(null);
  const [draft, setDraft] = useState<Filters>(linked.filters);
  const [filters, setFilters] = useState<Filters>(draft);
  const [opened, setOpened] = useState<TimelineEvent | null>(null);
  const { events, cursor, error, more } = useTimeline(range, filters);

  useEffect(() => {
    let current = true; // a slower answer for an older window or filter must not land
    const window = { startTime: range.start, endTime: range.end, buckets: 60 };
    api<Histogram>(`/event-replay/histogram?${query({ ...window, ...serverFilter(filters) })}`)
      .then((h) => current && setHistogram(h))
      .catch(() => current && setHistogram(null));
    return () => {
      current = false;
    };
  }, [range, filters]);
  const filtered = Object.values(serverFilter(filters)).some((v) => v !== '');

  const setBound = (which: 'start' | 'end', value: string) => {
    const t = fromLocalInput(value);
    if (!Number.isNaN(t)) setRange((w) => ({ ...w, [which]: t }));
  };
  const start = range.start ?? histogram?.start ?? undefined;
  const end = range.end ?? (histogram?.end != null ? histogram.end + 1 : undefined);
  const filterQuery = query({ customerId: filters.customerId.trim(), type: filters.type.trim() });

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
        <label for="f-text">Text</label>
        <input
          id="f-text"
          type="search"
          placeholder="in the event's JSON"
          value={draft.text}
          onInput={(e) => setDraft({ ...draft, text: e.currentTarget.value })}
        />
        <button type="submit">Apply filters</button>
      </form>
      <div class="compare">
        <DateTimeField
          id="w-start"
          label="From (UTC)"
          step={0.001}
          value={histogram?.start != null ? toLocalInput(histogram.start, true) : ''}
          onChange={(value) => setBound('start', value)}
        />
        <DateTimeField
          id="w-end"
          label="To (UTC)"
          step={0.001}
          value={histogram?.end != null ? toLocalInput(histogram.end, true) : ''}
          onChange={(value) => setBound('end', value)}
        />
        <button
          type="button"
          onClick={() => setRange({})}
          disabled={range.start === undefined && range.end === undefined}
        >
          Whole log
        </button>
        <span class="muted" data-testid="histogram-total">
          {histogram ? `${number(histogram.total)} ${filtered ? 'matching ' : ''}events in the window` : ''}
        </span>
      </div>
      {histogram?.partial && histogram.countedUntil !== null && (
        <p role="status" class="warn" data-testid="histogram-partial">
          Partial: counted the first {number(histogram.scanned)} records of the window, up to{' '}
          {dateTime(histogram.countedUntil)}; zoom in to count the rest.
        </p>
      )}
      {histogram?.countedBy === 'log' && (
        <p class="muted" data-testid="histogram-exact">
          Counted exactly over the whole window by the event log (its type, customer and source columns).
        </p>
      )}
      {histogram && histogram.buckets.length > 0 && (
        <HistogramChart
          buckets={histogram.buckets}
          bucketMs={histogram.bucketMs}
          caption={filtered ? 'the filter above' : 'all types'}
          onBrush={(from, to) => setRange({ start: from, end: to })}
        />
      )}
      {start !== undefined && end !== undefined && (
        <p class="actions" data-testid="range-actions">
          <Link href={`/replay?${query({ from: start, to: end, customerId: filters.customerId.trim() })}`}>
            Replay this range
          </Link>
          <Link href={`/debug?${query({ at: start, until: end })}${filterQuery ? `&${filterQuery}` : ''}`}>
            Debug this range
          </Link>
        </p>
      )}
      <ErrorNote error={error} />
      <p class="muted" data-testid="loaded-count">
        {events.length} loaded{cursor ? ' (more in the window)' : ''}
      </p>
      <DataTable
        testId="timeline-events"
        columns={eventColumns(setOpened)}
        rows={events}
        rowKey={(e) => `${e.partition}/${e.offset}`}
      />
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
