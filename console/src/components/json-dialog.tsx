// A modal <dialog> showing JSON (an event, a CloudEvent); Escape or Close closes it.
import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

export function JsonDialog(props: {
  title: string;
  subtitle: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} onClose={props.onClose} aria-labelledby="dialog-title" class="event-dialog">
      <h2 id="dialog-title">{props.title}</h2>
      <p class="muted mono">{props.subtitle}</p>
      {props.children}
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
