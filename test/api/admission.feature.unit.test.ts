// Admission control on embedded PGlite (the same scenario runs on PostgreSQL: admission.feature.int.test.ts).
import { test } from 'node:test';
import { composedApp } from '../support/composed-app.ts';
import { burstIsShedAndRetriesLoseNothing, TINY_QUEUE } from './admission-scenario.ts';

test('PGlite: a burst past the write limit gets 503 + Retry-After; retries with their keys lose and double nothing', async () => {
  const bss = await composedApp(TINY_QUEUE);
  try {
    await burstIsShedAndRetriesLoseNothing(bss);
  } finally {
    await bss.close();
  }
});
