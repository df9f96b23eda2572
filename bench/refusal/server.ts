// One server variant for bench/refusal-cost.bench.ts, in its own process so its CPU is its own:
//   fastify-hello   Fastify answering {"hello":"world"}
//   fastify-503     Fastify with the service's security headers, refusing in onRequest with the
//                   service's problem+json (plugins/problem.ts), as admission control does
//   node-503        node:http writing a pre-built 503 problem+json, no framework
import http from 'node:http';
import Fastify from 'fastify';
import { registerSecurityHeaders } from '../../src/api/plugins/security-headers.ts';
import { sendProblem } from '../../src/api/plugins/problem.ts';
import type { ApiApp } from '../../src/api/types.ts';

const variant = process.argv[2];
const detail = 'The service is at capacity (too many requests in progress); retry after 1 s';

if (variant === 'node-503') {
  const body = JSON.stringify({
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    code: 'OVERLOADED',
    detail,
  });
  const server = http.createServer((_request, response) => {
    response.writeHead(503, {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'retry-after': '1',
    });
    response.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify(server.address())}\n`));
} else {
  const app = Fastify();
  if (variant === 'fastify-503') {
    await registerSecurityHeaders(app as unknown as ApiApp, []);
    app.addHook('onRequest', async (request, reply) => {
      reply.header('retry-after', '1');
      return sendProblem(reply, request, { status: 503, code: 'OVERLOADED', detail, retryable: true });
    });
  }
  app.post('/api/v1/usage', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify(app.server.address())}\n`);
}
