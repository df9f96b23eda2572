// The one SSE helper behind /live and a replay job's /events: the stream's events as sent, and an open
// stream ended (its signal aborted) when the app closes, so a console left open never holds up shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { eventStreams, type EventStream } from '../../src/api/event-stream.ts';
import type { ApiApp } from '../../src/api/types.ts';

test('events as sent; the app’s close aborts an open stream and ends the response', async () => {
  const app = Fastify();
  let opened: EventStream | undefined;
  await app.register(async (api) => {
    const streams = eventStreams(api as unknown as ApiApp);
    api.get('/stream', async (request, reply) => {
      opened = streams.open(request, reply);
      opened.send('sample', 1, { n: 1 });
      opened.keepAlive();
      opened.signal.addEventListener('abort', () => opened?.end());
    });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const response = await fetch(`${url}/stream`);
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('keep-alive')) text += (await reader.read()).value ?? '';
  assert.equal(text, 'event: sample\nid: 1\ndata: {"n":1}\n\n: keep-alive\n\n');
  await app.close();
  assert.equal(opened!.signal.aborted, true);
  for (;;) if ((await reader.read()).done) break; // the response ended
});
