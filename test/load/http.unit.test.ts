// The load generator's HTTP client: close() ends the calls not answered yet, and sends none of those still
// queued for a connection (a run that gives up must not go on loading the service it then checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { jsonClient } from '../../src/load/http.ts';

test('close() cancels the call in flight and the queued ones, which never reach the server', async () => {
  let received = 0;
  const server = http.createServer((request, response) => {
    received++;
    request.resume();
    setTimeout(() => response.end('{}'), 200);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  try {
    const client = jsonClient(undefined, 1);
    const replies = Array.from({ length: 4 }, () => client.send('POST', url, { n: 1 }));
    while (received === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    client.close();
    const answered = await Promise.all(replies);
    assert.deepEqual(
      answered.map((r) => `${r.status} ${r.error}`),
      ['0 ECANCELED', '0 ECANCELED', '0 ECANCELED', '0 ECANCELED'],
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(received, 1, 'the three queued calls were never sent');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
