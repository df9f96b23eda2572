// The signal also fires when the app closes: an open stream must never hold up shutdown.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from './types.ts';

export interface EventStream {
  send(event: string, id: string | number, data: unknown): void;
  /** A comment line: keeps proxies from closing a quiet stream. */
  keepAlive(): void;
  readonly signal: AbortSignal;
  end(): void;
}

export function eventStreams(api: ApiApp) {
  const open = new Set<AbortController>();
  api.addHook('preClose', async () => {
    for (const stream of open) stream.abort();
  });
  return {
    open(request: FastifyRequest, reply: FastifyReply): EventStream {
      const closed = new AbortController();
      open.add(closed);
      reply.raw.on('close', () => closed.abort());
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      return {
        send: (event, id, data) =>
          void reply.raw.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`),
        keepAlive: () => void reply.raw.write(': keep-alive\n\n'),
        signal: closed.signal,
        end() {
          open.delete(closed);
          closed.abort();
          reply.raw.end();
        },
      };
    },
  };
}
