// Tables of the console: a header from column labels over rows, either given as children (rows with
// their own state) or drawn from data by per-column cells. Status badges share one look.
import type { ComponentChildren } from 'preact';

export interface Column<T> {
  readonly label: string;
  /** A right-aligned number column. */
  readonly num?: boolean;
  /** Extra classes of the cells, e.g. mono. */
  readonly class?: string;
  readonly cell: (row: T) => ComponentChildren;
}

export function Grid(props: {
  testId?: string;
  labels: readonly (string | { label: string; num?: boolean })[];
  children: ComponentChildren;
}) {
  return (
    <table class="grid" data-testid={props.testId}>
      <thead>
        <tr>
          {props.labels.map((l) => {
            const { label, num } = typeof l === 'string' ? { label: l, num: false } : l;
            return (
              <th scope="col" key={label} class={num ? 'num' : undefined}>
                {label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

export function DataTable<T>(props: {
  testId?: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  rowTestId?: (row: T) => string;
}) {
  const { columns } = props;
  return (
    <Grid testId={props.testId} labels={columns}>
      {props.rows.map((row) => (
        <tr key={props.rowKey(row)} data-testid={props.rowTestId?.(row)}>
          {columns.map((c) => (
            <td key={c.label} class={[c.num ? 'num' : '', c.class ?? ''].join(' ').trim() || undefined}>
              {c.cell(row)}
            </td>
          ))}
        </tr>
      ))}
    </Grid>
  );
}

export const Status = ({ value }: { value: string }) => (
  <span class={`status status-${value.toLowerCase()}`}>{value}</span>
);
