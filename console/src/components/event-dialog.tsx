// One event of a diff as its CloudEvent (id, source, type, subject, time, data and the record's
// headers), read from the timeline API at the event's own timestamp.
import { useEffect, useState } from 'preact/hooks';
import { api, query, type ApiError } from '../api.ts';
import type { ChangingEvent, TimelineEvent } from '../types.ts';
import { JsonDialog } from './json-dialog.tsx';
import { ErrorNote } from './fields.tsx';

export const cloudEventOf = (e: TimelineEvent) => ({
  specversion: '1.0',
  id: e.id,
  source: e.source,
  type: e.type,
  subject: e.subject,
  time: e.time,
  partitionkey: e.customerId,
  data: e.data,
});

export function TimelineEventBody({ event }: { event: TimelineEvent }) {
  return (
    <>
      <pre data-testid="cloudevent">{JSON.stringify(cloudEventOf(event), null, 2)}</pre>
      <h3>Record headers</h3>
      <pre>{JSON.stringify(event.headers, null, 2)}</pre>
    </>
  );
}

export function EventDialog(props: { customerId: string; event: ChangingEvent; onClose: () => void }) {
  const { customerId, event } = props;
  const [found, setFound] = useState<TimelineEvent | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const params = query({ customerId, startTime: event.timestamp, endTime: event.timestamp + 1, maxEvents: 1000 });
    api<{ events: TimelineEvent[] }>(`/event-replay/timeline?${params}`)
      .then((page) => {
        const match = page.events.find((e) => e.id === event.id);
        if (match) setFound(match);
        else setError('the event is no longer in the log');
      })
      .catch((e: ApiError) => setError(e.message));
  }, [customerId, event]);

  return (
    <JsonDialog
      title={event.type}
      subtitle={`partition ${event.partition}, offset ${event.offset}`}
      onClose={props.onClose}
    >
      <ErrorNote error={error} />
      {found && <TimelineEventBody event={found} />}
    </JsonDialog>
  );
}
