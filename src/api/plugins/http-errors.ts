// The errors Fastify and Node answer before any route runs, as problem+json like every other error.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.ts';
import type { ErrorCode } from '../../errors.ts';
import { frameworkCode, problemType, sendProblem } from './problem.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function allowedMethods(app: ApiApp, url: string): string[] {
  const found = METHODS.flatMap((method) => {
    const route = app.findRoute({ method, url });
    // The CORS preflight route (OPTIONS *) matches every path: it is no resource's method.
    if (method === 'OPTIONS' && route && '*' in (route.params ?? {})) return [];
    return route ? [{ method, params: Object.keys(route.params ?? {}).length }] : [];
  });
  // The resource is the most specific route: /customers/search is not /customers/{id}, though a
  // PATCH of it would reach the parametric route.
  const fewest = Math.min(...found.map((f) => f.params));
  return found.filter((f) => f.params === fewest).map((f) => f.method);
}

/** No route: 405 with Allow when the path has other methods (RFC 9110 §15.5.6), else 404. */
function answerUnrouted(app: ApiApp, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const allowed = allowedMethods(app, request.url);
  if (allowed.length === 0) {
    return sendProblem(reply, request, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: `No route ${request.method} ${request.url}`,
    });
  }
  reply.header('allow', allowed.join(', '));
  return sendProblem(reply, request, {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    detail: `${request.method} is not allowed on ${request.url.split('?')[0]}; allowed: ${allowed.join(', ')}`,
  });
}

export function registerNotFound(app: ApiApp): void {
  // A method no route has at all (QUERY, PROPFIND…) is answered before body parsing, which would
  // else refuse it for its missing Content-Type instead of giving its 405.
  const routed = new Set<string>(METHODS);
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404 && !routed.has(request.method)) return answerUnrouted(app, request, reply);
  });
  app.setNotFoundHandler((request, reply) => answerUnrouted(app, request, reply));
}

export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const codes: Record<string, [ErrorCode, string]> = {
    FST_ERR_BAD_URL: ['INVALID_URL', 'The URL has an invalid percent-encoding or character'],
    FST_ERR_MAX_PARAM_LENGTH: ['URI_TOO_LONG', 'A path parameter is longer than this API accepts'],
  };
  const [code, detail] = codes[error.code] ?? [frameworkCode(error.code), error.message];
  if (status >= 500) request.log.error({ err: error }, 'router error');
  void sendProblem(reply, request, { status, code, detail });
}

const CLIENT_ERRORS: Record<string, [number, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'The request line and headers exceed the size this server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request was not received in time'],
};

/** Node could not parse the request, so there is no request object: the answer goes to the socket. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'MALFORMED_REQUEST',
    'The request is not valid HTTP/1.1',
  ];
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: problemType(code), title, status, detail, code });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
