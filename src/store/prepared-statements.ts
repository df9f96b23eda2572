// Server-side prepared statements, as pgjdbc does it (prepareThreshold 5, 256 statements): a statement text
// run this often gets a name, so each connection parses and plans it once instead of at every run
// (what that saves: bench/prepared-statements.bench.ts, bench/results/TUNING.md).

export interface StatementNamerOptions {
  /** Runs of one text before it is named. */
  readonly threshold?: number;
  /** Named texts at most; later texts stay unnamed (each connection keeps every name it parsed). */
  readonly capacity?: number;
  /** Texts counted at most: SQL built with literals in it never repeats, and must not grow the count. */
  readonly maxCounted?: number;
}

/** The name to run `sql` under, or undefined to run it unnamed (parsed and planned at each run). */
export type StatementNamer = (sql: string) => string | undefined;

export function createStatementNamer(options: StatementNamerOptions = {}): StatementNamer {
  const threshold = options.threshold ?? 5;
  const capacity = options.capacity ?? 256;
  const maxCounted = options.maxCounted ?? 10_000;
  const runs = new Map<string, number>();
  const names = new Map<string, string>();
  return (sql) => {
    const name = names.get(sql);
    if (name !== undefined || names.size >= capacity) return name;
    const count = (runs.get(sql) ?? 0) + 1;
    if (count < threshold) {
      if (runs.size >= maxCounted) runs.clear();
      runs.set(sql, count);
      return undefined;
    }
    runs.delete(sql);
    const named = `bss_${names.size + 1}`;
    names.set(sql, named);
    return named;
  };
}
