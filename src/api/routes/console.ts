// The files are public; everything they show comes from /api/v1 with the user's credentials.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { ApiApp } from '../types.ts';
import { sendProblem } from '../plugins/problem.ts';

export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

export function consoleRoutes(root = CONSOLE_DIST) {
  return async function routes(app: ApiApp): Promise<void> {
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
      route.schema = { ...route.schema, hide: true };
    });
    app.get('/', async (_request, reply) => reply.redirect('/console/'));
    app.get('/console', async (_request, reply) => reply.redirect('/console/'));
    if (!existsSync(`${root}/index.html`)) {
      app.get('/console/*', async (request, reply) =>
        sendProblem(reply, request, {
          status: 503,
          code: 'CONSOLE_NOT_BUILT',
          detail: 'the console is not built: run `npm run build:console` (npm install runs it)',
        }),
      );
      return;
    }
    // Hashed assets never change; index.html must be re-read to pick up a new build.
    await app.register(fastifyStatic, {
      root,
      prefix: '/console/',
      redirect: true,
      setHeaders: (res, path) => {
        res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  };
}
