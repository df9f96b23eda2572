// Admission control at the API's door with a concurrency limit of one, on both paths: the raw gate in
// front of Fastify (as the service runs) and the onRequest hook (for what does not come through the
// server: inject). While a request holds the slot, a read and a write are refused with 503 OVERLOADED,
// Retry-After and problem+json, counted by reason, and the refused write leaves no write slot taken; a
// stream and everything outside /api/v1 pass; once the slot is free a request is admitted again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { registerAdmission } from '../../../src/api/plugins/admission.ts';
import { createAdmissionGate, gatedServer } from '../../../src/api/admission-gate.ts';
import { createAdmission } from '../../../src/application/admission.ts';
import { createConcurrencyLimit } from '../../../src/application/concurrency-limit.ts';
import type { ApiApp } from '../../../src/api/types.ts';

const limits = { maxPending: 10, maxQueueDelayMs: 100, shedIntervalMs: 1000, maxOutboxBacklog: 0, maxConsumerLag: 0 };
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
};

for (const raw of [true, false]) {
  test(`${raw ? 'raw gate' : 'onRequest hook'}: past the concurrency limit, 503 OVERLOADED with Retry-After for reads and writes; streams pass`, async () => {
    const admission = createAdmission(limits, { oldestWaitMs: () => 0, outboxBacklog: () => 0, consumerLag: () => 0 });
    const concurrency = createConcurrencyLimit({
      initial: 1,
      min: 1,
      max: 1,
      windowMs: 100,
      windowSamples: 20,
    });
    const registry = new Registry();
    const gate = createAdmissionGate(admission, registry, concurrency);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const app = Fastify(raw ? { serverFactory: gatedServer(gate, 16_384) } : {});
    registerAdmission(app as unknown as ApiApp, gate);
    app.get('/health/live', async () => ({ ok: true }));
    await app.register(
      async (api) => {
        api.get('/slow', async () => (await held, { ok: true }));
        api.get('/fast', async () => ({ ok: true }));
        api.post('/fast', async () => ({ ok: true }));
        api.get('/stream', { config: { stream: true } }, async () => ({ ok: true }));
      },
      { prefix: '/api/v1' },
    );
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${base}/api/v1`;
    try {
      const slow = fetch(`${url}/slow`);
      await until(() => concurrency.inFlight() === 1);
      for (const method of ['GET', 'POST']) {
        const refused = await fetch(`${url}/fast`, { method, headers: { 'x-request-id': 'req-1' } });
        assert.equal(refused.status, 503, method);
        assert.equal(refused.headers.get('retry-after'), '1');
        // This Fastify echoes no request id: the one sent back proves the gate answered before it.
        if (raw) assert.equal(refused.headers.get('x-request-id'), 'req-1');
        assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
        const problem = (await refused.json()) as { code: string; status: number; instance: string };
        assert.deepEqual([problem.code, problem.status, problem.instance], ['OVERLOADED', 503, '/api/v1/fast']);
      }
      assert.equal(admission.pending(), 0, 'the refused write holds no write slot');
      // The raw gate does not know routes yet: it tells a stream by what the client accepts.
      const stream = await fetch(`${url}/stream`, { headers: { accept: 'text/event-stream' } });
      assert.equal(stream.status, 200, 'a stream is outside the limit');
      assert.equal((await fetch(`${base}/health/live`)).status, 200, 'so is all but /api/v1');
      const shed = (await registry.getSingleMetric('bss_requests_shed_total')?.get())?.values;
      assert.deepEqual(
        shed?.map((v) => [v.labels['reason'], v.value]),
        [['concurrency', 2]],
      );
      release();
      assert.equal((await slow).status, 200);
      await until(() => concurrency.inFlight() === 0);
      assert.equal(
        (await fetch(`${url}/fast`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }))
          .status,
        200,
        'the slot is free again',
      );
      await until(() => admission.pending() === 0 && concurrency.inFlight() === 0);
    } finally {
      release();
      await app.close();
    }
  });
}
