// Small form pieces every page uses: a UTC date-time field and the line that shows an API's problem.
import { fromLocalInput } from '../format.ts';

export function DateTimeField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hideLabel?: boolean;
  /** Seconds per step: 1 (default) shows whole seconds, 0.001 milliseconds. */
  step?: number;
}) {
  return (
    <>
      <label for={props.id} class={props.hideLabel ? 'sr-only' : undefined}>
        {props.label}
      </label>
      <input
        id={props.id}
        type="datetime-local"
        step={props.step ?? 1}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
    </>
  );
}

/** A datetime-local value as an ISO instant (UTC), or undefined when empty or not a date. */
export function isoOf(value: string): string | undefined {
  const t = fromLocalInput(value);
  return value && !Number.isNaN(t) ? new Date(t).toISOString() : undefined;
}

export function ErrorNote({ error }: { error: string | null | undefined }) {
  return error ? (
    <p role="alert" class="error">
      {error}
    </p>
  ) : null;
}

export function RefreshButton({ onRefresh }: { onRefresh: () => void }) {
  return (
    <p>
      <button type="button" class="link" onClick={onRefresh}>
        Refresh
      </button>
    </p>
  );
}
