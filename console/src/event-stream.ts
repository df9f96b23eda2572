// Follows one of the API's server-sent event streams with the signed-in credentials in headers (an
// EventSource cannot send them), until the returned function stops it. No retry loop: a refused or
// broken stream is reported once, and the page says why.
import { fetchEventSource } from '@microsoft/fetch-event-source';
import { authHeaders } from './api.ts';

export function followEvents<T>(
  path: string,
  event: string,
  handlers: { onData(data: T): void; onOpen?(): void; onError?(error: unknown): void },
): () => void {
  const controller = new AbortController();
  void fetchEventSource(`/api/v1${path}`, {
    headers: authHeaders(),
    signal: controller.signal,
    openWhenHidden: true,
    async onopen(response) {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      handlers.onOpen?.();
    },
    onmessage: (message) => message.event === event && handlers.onData(JSON.parse(message.data) as T),
    onerror(e) {
      handlers.onError?.(e);
      throw e;
    },
  }).catch(() => undefined);
  return () => controller.abort();
}
