// One contract for every SignInFailures adapter (in-process, Redis): what the auth plugin relies on.
// Each adapter's test file calls signInFailuresContract() with a factory of fresh counters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SignInFailures, SignInLimit } from '../../../src/application/auth/sign-in-failures.ts';

export function signInFailuresContract(name: string, open: (limit: SignInLimit) => Promise<SignInFailures>): void {
  describe(`SignInFailures contract: ${name}`, () => {
    test('an address is free until it reaches the limit, then blocked for the rest of the window', async () => {
      const failures = await open({ max: 3, windowMs: 60_000 });
      for (let i = 0; i < 3; i++) {
        assert.equal(await failures.blockedFor('10.0.0.1'), 0, `after ${i} failures`);
        await failures.record('10.0.0.1');
      }
      const blocked = await failures.blockedFor('10.0.0.1');
      assert.ok(blocked > 50_000 && blocked <= 60_000, `blocked for ${blocked} ms`);
      await failures.record('10.0.0.1');
      assert.ok((await failures.blockedFor('10.0.0.1')) <= blocked, 'more failures do not extend the window');
    });

    test('addresses are counted apart', async () => {
      const failures = await open({ max: 2, windowMs: 60_000 });
      await failures.record('10.0.0.2');
      await failures.record('10.0.0.2');
      assert.ok((await failures.blockedFor('10.0.0.2')) > 0);
      assert.equal(await failures.blockedFor('10.0.0.3'), 0);
      assert.equal(await failures.blockedFor('::1'), 0);
    });

    test('a new window starts free', async () => {
      const failures = await open({ max: 1, windowMs: 200 });
      await failures.record('10.0.0.4');
      assert.ok((await failures.blockedFor('10.0.0.4')) > 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await failures.blockedFor('10.0.0.4'), 0);
      await failures.record('10.0.0.4');
      assert.ok((await failures.blockedFor('10.0.0.4')) > 0);
    });
  });
}
