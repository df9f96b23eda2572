// node:http with keep-alive: cheaper per call than fetch, which matters beside the service it measures.
import http from 'node:http';

export interface Reply {
  /** 0 when no response came (then `error` holds the Node code). */
  readonly status: number;
  readonly body: unknown;
  readonly error?: string;
  readonly retryAfter?: string;
  /** Waited in this client for a free connection, not in the server. */
  readonly waitedMs?: number;
  /** From the connection's handover to the last byte of the answer: the server and the wire, not this
   * client's queue (its event loop's lateness in reading the answer still counts). */
  readonly exchangeMs?: number;
}

export interface JsonClient {
  send(method: string, url: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<Reply>;
  /** Calls not answered yet end with error ECANCELED; those still queued here are never sent. */
  close(): void;
}

export function jsonClient(apiKey: string | undefined, maxSockets: number, timeoutMs = 30_000): JsonClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  // Requests queued in the agent outlive agent.destroy() (it hands them new sockets): close() cancels them.
  const open = new Set<http.ClientRequest>();
  return {
    send(method, url, body, headers = {}) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const sentAt = performance.now();
      let waitedMs: number | undefined;
      let onSocketAt: number | undefined;
      return new Promise<Reply>((resolve) => {
        const request = http.request(
          url,
          {
            method,
            agent,
            timeout: timeoutMs,
            headers: {
              ...headers,
              ...(apiKey ? { 'x-api-key': apiKey } : {}),
              ...(payload !== undefined
                ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
                : {}),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = text === '' ? null : JSON.parse(text);
              } catch {
                // not JSON: keep the text
              }
              const retryAfter = response.headers['retry-after'];
              resolve({
                status: response.statusCode ?? 0,
                body: parsed,
                ...(retryAfter ? { retryAfter } : {}),
                ...(waitedMs === undefined ? {} : { waitedMs }),
                ...(onSocketAt === undefined ? {} : { exchangeMs: performance.now() - onSocketAt }),
              });
            });
            response.on('error', (error: NodeJS.ErrnoException) =>
              resolve({ status: 0, body: null, error: error.code ?? error.name }),
            );
          },
        );
        open.add(request);
        request.once('close', () => open.delete(request));
        request.once('socket', () => {
          onSocketAt = performance.now();
          waitedMs = onSocketAt - sentAt;
        });
        request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
        request.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ status: 0, body: null, error: error.code ?? error.name }),
        );
        request.end(payload);
      });
    },
    close() {
      for (const request of open) request.destroy(Object.assign(new Error('client closed'), { code: 'ECANCELED' }));
      agent.destroy();
    },
  };
}

export const ok = (reply: Reply): boolean => reply.status >= 200 && reply.status < 300;
export const statusOf = (reply: Reply): string =>
  reply.status === 0 ? (reply.error ?? 'ERROR') : String(reply.status);
export const field = (body: unknown, name: string): unknown =>
  body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
