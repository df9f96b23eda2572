// One event as its CloudEvent (id, source, type, subject, time, data and the record's headers), read
// from the timeline API at the event's own timestamp.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, query, type ApiError } from '../api.ts';
import type { ChangingEvent, TimelineEvent } from '../types.ts';

export function EventDialog({
  customerId,
  event,
  onClose,
}: {
  customerId: string;
  event: ChangingEvent;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [found, setFound] = useState<TimelineEvent | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    dialog.current?.showModal();
    const params = query({ customerId, startTime: event.timestamp, endTime: event.timestamp + 1, maxEvents: 1000 });
    api<{ events: TimelineEvent[] }>(`/event-replay/timeline?${params}`)
      .then((page) => {
        const match = page.events.find((e) => e.id === event.id);
        if (match) setFound(match);
        else setError('the event is no longer in the log');
      })
      .catch((e: ApiError) => setError(e.message));
  }, [customerId, event]);

  const cloudEvent = found && {
    specversion: '1.0',
    id: found.id,
    source: found.source,
    type: found.type,
    subject: found.subject,
    time: found.time,
    partitionkey: found.customerId,
    data: found.data,
  };
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby="event-title" class="event-dialog">
      <h2 id="event-title">{event.type}</h2>
      <p class="muted mono">
        partition {event.partition}, offset {event.offset}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {cloudEvent && (
        <>
          <pre data-testid="cloudevent">{JSON.stringify(cloudEvent, null, 2)}</pre>
          <h3>Record headers</h3>
          <pre>{JSON.stringify(found.headers, null, 2)}</pre>
        </>
      )}
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
