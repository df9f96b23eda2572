// A topic the Kafka broker does not have (replay, offsets, count with ?topic=) is a 404 naming it,
// not a 500: found by the API fuzzer in distributed mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../../support/app.ts';

test("@platformatic/kafka's unknown-topic refusal is 404 TOPIC_NOT_FOUND, problem+json", async () => {
  const app = await testApp();
  app.get('/probe', async () => {
    throw Object.assign(new Error('Unknown topic example.'), { code: 'PLT_KFK_USER' });
  });
  const response = await app.inject({ method: 'GET', url: '/probe' });
  assert.equal(response.statusCode, 404);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(response.json().code, 'TOPIC_NOT_FOUND');
  assert.match(response.json().detail, /example/);
  await app.close();
});
