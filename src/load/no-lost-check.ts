// "Nothing lost" under overload, by record id rather than by count: a client that gave up on calls in
// flight undercounts what the service committed, so accepted = rows fails although nothing was lost.
// Three statements, each with its numbers: nothing lost (every acknowledged record is in the usage rows
// and its event in the log), nothing doubled, nothing invented (every row and event was sent).

export interface NoLostInput {
  /** Record ids the load generator sent, whatever became of them. */
  readonly sent: ReadonlySet<string>;
  /** Record ids the service (or the broker) answered as stored. */
  readonly acknowledged: ReadonlySet<string>;
  /** The record id of every usage row. */
  readonly rows: Iterable<string>;
  /** Every usage event record in the log (republished ones included): its event id and record id. */
  readonly log: Iterable<{ readonly eventId: string; readonly recordId: string }>;
  /** Distinct event ids in the log that are not usage events, and how many the setup wrote. */
  readonly otherEvents: { readonly found: number; readonly expected: number };
}

export interface Statement {
  readonly pass: boolean;
  readonly measured: string;
  /** Up to 5 offending record ids, to look them up. */
  readonly sample: readonly string[];
}

export interface NoLostVerdict {
  readonly pass: boolean;
  readonly counts: {
    readonly sent: number;
    readonly acknowledged: number;
    readonly rows: number;
    readonly logRecords: number;
    readonly logEvents: number;
    readonly republished: number;
    /** Stored although the generator never saw the answer (it gave up, or the call timed out). */
    readonly storedUnacknowledged: number;
  };
  readonly nothingLost: Statement;
  readonly nothingDoubled: Statement;
  readonly nothingInvented: Statement;
}

const SAMPLE = 5;

/** The ids of `ids` not in `set`: how many, and a few of them. */
function missing(ids: Iterable<string>, set: ReadonlySet<string>): { count: number; sample: string[] } {
  let count = 0;
  const sample: string[] = [];
  for (const id of ids) {
    if (set.has(id)) continue;
    count++;
    if (sample.length < SAMPLE) sample.push(id);
  }
  return { count, sample };
}

/** The rows and the log, read once: ids as sets, and what repeats. */
function tally(input: NoLostInput) {
  const rowIds = new Set<string>();
  const doubledRows = new Set<string>();
  let rows = 0;
  for (const id of input.rows) {
    rows++;
    if (rowIds.has(id)) doubledRows.add(id);
    rowIds.add(id);
  }
  const eventOf = new Map<string, string>(); // record id → its first event id
  const eventIds = new Set<string>();
  const doubledInLog = new Set<string>(); // record ids under two event ids: recorded twice
  let logRecords = 0;
  for (const { eventId, recordId } of input.log) {
    logRecords++;
    eventIds.add(eventId);
    const first = eventOf.get(recordId);
    if (first === undefined) eventOf.set(recordId, eventId);
    else if (first !== eventId) doubledInLog.add(recordId);
  }
  const logIds = new Set(eventOf.keys());
  return { rows, rowIds, doubledRows, logRecords, logEvents: eventIds.size, logIds, doubledInLog };
}
type Tally = ReturnType<typeof tally>;

/** The statements whose parts each count offending ids: pass when they all count 0. */
function statement(parts: ReadonlyArray<{ count: number; sample: string[] }>, measured: string): Statement {
  return {
    pass: parts.every((p) => p.count === 0),
    measured,
    sample: parts.flatMap((p) => p.sample).slice(0, SAMPLE),
  };
}

function nothingLost({ acknowledged }: NoLostInput, { rowIds, logIds }: Tally): Statement {
  const unstored = missing(acknowledged, rowIds);
  const unlogged = missing(acknowledged, logIds);
  const eventless = missing(rowIds, logIds);
  return statement(
    [unstored, unlogged, eventless],
    `${acknowledged.size} acknowledged: ${unstored.count} missing from the usage rows, ` +
      `${unlogged.count} missing from the log; ${eventless.count} rows without their event`,
  );
}

/** One event id twice in the log is a republished record (at least once), not a doubled one. */
function nothingDoubled({ otherEvents }: NoLostInput, t: Tally): Statement {
  const { found, expected } = otherEvents;
  return statement(
    [
      { count: t.doubledRows.size, sample: [...t.doubledRows].slice(0, SAMPLE) },
      { count: t.doubledInLog.size, sample: [...t.doubledInLog].slice(0, SAMPLE) },
      { count: Math.abs(found - expected), sample: [] },
    ],
    `${t.rows} rows for ${t.rowIds.size} record ids; ${t.logEvents} distinct usage event ids in the log for ` +
      `${t.logIds.size} record ids, ${t.doubledInLog.size} under two (${t.logRecords} records, ` +
      `${t.logRecords - t.logEvents} republished); ` +
      `other distinct event ids ${found} = ${expected} setup events`,
  );
}

function nothingInvented({ sent }: NoLostInput, { rowIds, logIds }: Tally): Statement {
  const rowsNotSent = missing(rowIds, sent);
  const logNotSent = missing(logIds, sent);
  const logWithoutRow = missing(logIds, rowIds);
  return statement(
    [rowsNotSent, logNotSent, logWithoutRow],
    `${sent.size} sent: ${rowsNotSent.count} rows and ${logNotSent.count} logged records never sent; ` +
      `${logWithoutRow.count} events without their row`,
  );
}

export function noLostCheck(input: NoLostInput): NoLostVerdict {
  const t = tally(input);
  const lost = nothingLost(input, t);
  const doubled = nothingDoubled(input, t);
  const invented = nothingInvented(input, t);
  return {
    pass: lost.pass && doubled.pass && invented.pass,
    counts: {
      sent: input.sent.size,
      acknowledged: input.acknowledged.size,
      rows: t.rows,
      logRecords: t.logRecords,
      logEvents: t.logEvents,
      republished: t.logRecords - t.logEvents,
      storedUnacknowledged: missing(t.rowIds, input.acknowledged).count,
    },
    nothingLost: lost,
    nothingDoubled: doubled,
    nothingInvented: invented,
  };
}
