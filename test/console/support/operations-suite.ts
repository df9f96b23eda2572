// The console's operations areas in a real browser: the way from a Live error spike through the
// Timeline to the customer's state before; Debug sessions (step, breakpoints, seek, a controlled
// replay) opened from a Timeline range; Consumer groups (snapshot, restore with the API's dry run shown first); the Cache;
// and what a viewer is not offered. axe-core and a keyboard walk on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { assertAccessible, assertKeyboardWalk } from './browser.ts';
import { seedHistory } from './seed.ts';
import { ADMIN_KEY, waitForChange, type Harness } from './harness.ts';

interface View {
  customer: { status: string } | null;
  balance: { balance: number };
}
const checked = async (page: Page, what: string) => {
  await assertAccessible(page, what);
  await assertKeyboardWalk(page, what);
};

export function operationsSuite(h: () => Harness): void {
  test('admin: Live → its last seconds’ events on the Timeline → the customer → the state before', async () => {
    const { admin, newPage, signIn } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByTestId('live-status').getByText('live').waitFor();
    const { customerId } = await seedHistory(admin, 'cus_console_spike');
    // Without a fault there is no error spike: the link then opens the last 10 seconds, which hold the
    // history just written (the spike's own window is unit-tested in test/console/spike.unit.test.ts).
    await sleep(1500);
    const spike = page.getByTestId('error-spike');
    await spike.getByText('No errors lately').waitFor();
    await spike.getByRole('link').click();

    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByLabel('Types').fill('customer.suspended');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page
      .getByTestId('timeline-events')
      .getByRole('row', { name: new RegExp(`customer\\.suspended.*${customerId}`) });
    await row.waitFor();
    const whole = await admin<{ count: number }>('GET', '/event-replay/count');
    const shown = Number(((await page.getByTestId('histogram-total').textContent()) ?? '').replace(/\D/g, ''));
    // A narrower window than the log (in Kafka mode its histogram may predate the outbox's publishing).
    assert.ok(shown < whole.count, `the window holds ${shown} of ${whole.count} events`);

    await row.getByRole('link', { name: customerId }).click();
    await page.getByTestId('state-now').getByTestId('profile-status').getByText('SUSPENDED').waitFor();
    await page.getByTestId('state-at').getByTestId('profile-status').getByText('ACTIVE').waitFor();
  });

  test('admin: Debug — from a Timeline range; step moves the position and the state; breakpoint; seek; controlled replay', async () => {
    const { admin, seeded, newPage, signIn, shot } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    await page.getByLabel('Customer id').fill(seeded.customerId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByTestId('timeline-events').getByText('customer.created').first().waitFor();
    await page.getByRole('link', { name: 'Debug this range' }).click();

    await page.getByRole('heading', { name: 'Debug session' }).waitFor();
    assert.equal(await page.getByLabel('Customer id').inputValue(), seeded.customerId);
    assert.notEqual(await page.getByLabel('Open at (UTC)').inputValue(), '', 'the range’s start');
    await page.getByRole('button', { name: 'Open session' }).click();
    const position = page.getByTestId('debug-position');
    await position.waitFor();
    const id = (await position.getAttribute('data-session'))!;
    const stream = page.getByTestId('debug-stream').locator('tbody tr');
    const state = page.getByTestId('state-cursor');
    const apiState = async () =>
      (await admin<{ state: View }>('GET', `/event-replay/debug-session/${id}/state?customerId=${seeded.customerId}`))
        .state;

    const before = await position.textContent();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await stream.first().waitFor();
    await waitForChange(() => position.textContent(), before);
    await state.getByTestId('profile-name').getByText('Maria Rossi').waitFor();
    let view = await apiState();
    assert.equal(await state.getByTestId('profile-status').textContent(), view.customer!.status);
    assert.equal(await state.getByTestId('balance').getAttribute('data-minor'), String(view.balance.balance));

    await page.getByLabel('Break on').selectOption('type');
    await page.getByLabel('Event type').fill('customer.suspended');
    await page.getByRole('button', { name: 'Add breakpoint' }).click();
    await page
      .getByTestId('breakpoints')
      .getByText(/customer\.suspended/)
      .waitFor();
    await page.getByRole('button', { name: 'Run to breakpoint (100)' }).click();
    await stream.last().getByText('breakpoint').waitFor();
    assert.match((await stream.last().textContent()) ?? '', /customer\.suspended/);
    await state.getByTestId('profile-status').getByText('SUSPENDED').waitFor();
    view = await apiState();
    assert.equal(view.customer!.status, 'SUSPENDED');
    assert.equal(await state.getByTestId('balance').getAttribute('data-minor'), String(view.balance.balance));
    await checked(page, 'debug session');
    await shot(page, 'debug', true);

    await page.getByLabel('Seek to (UTC)').fill(new Date(seeded.middle).toISOString().slice(0, 19));
    await page.getByRole('button', { name: 'Seek' }).click();
    await state.getByTestId('profile-status').getByText('ACTIVE').waitFor();
    assert.equal(await stream.count(), 0, 'the stream starts again at the new position');
    assert.equal((await apiState()).customer!.status, 'ACTIVE');

    // A controlled replay from the cursor (T) to the log's end at MAX: the job reaches 100 %, and the
    // position and the state follow it as the API's session has them. (The customer.suspended breakpoint
    // is the customer's last event: at MAX a breakpoint pauses after its batch, so nothing is left to pause.)
    const seeked = await position.textContent();
    await page.getByLabel('Speed').selectOption('MAX');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const job = page.getByTestId('controlled-jobs').locator('tbody tr').first();
    await job.getByTestId('job-status').getByText('COMPLETED').waitFor();
    await job.getByTestId('job-percent').getByText('100 %').waitFor();
    const jobId = ((await job.getAttribute('data-testid')) ?? '').replace(/^job-/, '');
    const played = await admin<{ status: string; progress: { processed: number } }>(
      'GET',
      `/event-replay/replay/${jobId}`,
    );
    assert.equal(played.status, 'COMPLETED');
    assert.ok(played.progress.processed >= 3, 'the payment, its capture and the suspension after T');
    await state.getByTestId('profile-status').getByText('SUSPENDED').waitFor();
    await waitForChange(() => position.textContent(), seeked);
    view = await apiState();
    assert.equal(view.customer!.status, 'SUSPENDED');
    assert.equal(await state.getByTestId('balance').getAttribute('data-minor'), String(view.balance.balance));
    const session = await admin<{ time: number }>('GET', `/event-replay/debug-session/${id}`);
    assert.ok(
      ((await position.textContent()) ?? '').includes(
        new Date(session.time).toISOString().slice(0, 19).replace('T', ' '),
      ),
      'the API’s position',
    );
    await checked(page, 'debug session with a controlled replay');
    await shot(page, 'debug-controlled-replay', true);
  });

  test('admin: Consumer groups — snapshot; restore shows the API’s dry run first, then restores on confirm', async () => {
    const { admin, newPage, signIn, shot } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Consumer groups' }).click();
    const api = await admin<{ groups: { group: string; topic: string }[] }>('GET', '/consumer-groups');
    assert.ok(api.groups.length > 0);
    const group = api.groups[0]!;
    const card = page.getByTestId(`group-${group.group}`);
    await card.waitFor();
    for (const g of api.groups) assert.equal(await page.getByTestId(`group-${g.group}`).count(), 1, g.group);

    const snapshots = page.getByTestId('snapshots').locator('tbody tr');
    const taken = await snapshots.count();
    await card.getByRole('button', { name: /Take snapshot/ }).click();
    await snapshots.nth(taken).waitFor();

    await page.locator('#rs-group').selectOption(group.group);
    await page.locator('#rs-by').selectOption('time');
    const at = new Date(h().seeded.middle).toISOString().slice(0, 19);
    await page.getByLabel('Time (UTC)').fill(at);
    await page.getByRole('button', { name: 'Plan restore (dry run)' }).click();
    const plan = page.getByTestId('restore-plan');
    await plan.getByText('Dry run').waitFor();
    const dry = await admin<{ partitions: { partition: number; after: number }[] }>('POST', '/event-replay/restore', {
      group: group.group,
      topic: group.topic,
      to: { time: `${at}Z` },
      dryRun: true,
    });
    const rows = plan.getByTestId('restore-partitions').locator('tbody tr');
    assert.equal(await rows.count(), dry.partitions.length);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.children].map((td) => (td.textContent ?? '').replaceAll(',', ''))),
    );
    assert.deepEqual(
      shown.map((cells) => [Number(cells[0]), Number(cells[2])]),
      dry.partitions.map((p) => [p.partition, p.after]),
      'the offsets the API’s dry run gives',
    );
    await checked(page, 'consumer groups');
    await shot(page, 'consumer-groups', true);

    // To the latest offsets: the dry run's "after" is each partition's end as the API lists it (read
    // before and after, as the outbox may still be publishing in Kafka mode).
    const ends = async () =>
      (
        await admin<{ topics: { topic: string; partitions: { latest: number }[] }[] }>('GET', '/event-replay/offsets')
      ).topics
        .find((t) => t.topic === group.topic)!
        .partitions.map((p) => p.latest);
    await page.locator('#rs-by').selectOption('latest');
    assert.equal(await page.getByLabel('Time (UTC)').count(), 0, 'no time to pick');
    const before = await ends();
    await page.getByRole('button', { name: 'Plan restore (dry run)' }).click();
    await plan.getByText('Dry run').waitFor();
    const latest = await rows.evaluateAll((trs) =>
      trs.map((tr) => Number((tr.children[2]?.textContent ?? '').replaceAll(',', ''))),
    );
    const later = await ends();
    assert.equal(latest.length, before.length);
    latest.forEach((after, p) => assert.ok(before[p]! <= after && after <= later[p]!, `partition ${p}: ${after}`));
    // Back to the time plan the confirmation commits.
    await page.locator('#rs-by').selectOption('time');
    await page.getByLabel('Time (UTC)').fill(at);
    await page.getByRole('button', { name: 'Plan restore (dry run)' }).click();
    await plan.getByText('Dry run').waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await plan.getByRole('button', { name: `Restore ${group.group}` }).click();
    // The restore's own answer, or the problem the page shows in its place.
    await plan.getByText('Restored').or(page.getByRole('alert')).first().waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, (await page.getByRole('alert').allTextContents()).join());
    await plan.getByText('Restored').waitFor();
    const after = await admin<{ groups: { group: string; partitions: { partition: number; committed: number }[] }[] }>(
      'GET',
      '/consumer-groups',
    );
    const committed = after.groups.find((g) => g.group === group.group)!.partitions;
    for (const p of dry.partitions) {
      const now = committed.find((c) => c.partition === p.partition)!.committed;
      assert.ok(now >= p.after, `partition ${p.partition}: committed ${now} from ${p.after} on`);
    }
  });

  test('admin: Replay — to the replay-safe handlers, then to a topic (a copy of the window)', async () => {
    const { admin, newPage, signIn, shot } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Replay', exact: true }).click();
    const jobs = page.getByTestId('jobs').locator('tbody tr');
    const { count } = await admin<{ count: number }>('GET', '/event-replay/count');
    const start = async () => {
      const before = await jobs.count();
      await page.getByRole('button', { name: 'Start replay' }).click();
      await jobs.nth(before).waitFor(); // the new job's row (listed first)
      const row = jobs.first();
      await row.getByTestId('job-status').getByText('COMPLETED').waitFor({ timeout: 30_000 });
      assert.equal(await row.getByTestId('job-percent').textContent(), '100 %');
      const id = ((await row.getAttribute('data-testid')) ?? '').replace(/^job-/, '');
      return admin<{ progress: { processed: number }; delivered: number }>('GET', `/event-replay/replay/${id}`);
    };

    // The handlers to choose from are the API's list of replay-safe ones (no free text to mistype).
    const { handlers } = await admin<{ handlers: { name: string }[] }>('GET', '/event-replay/handlers');
    assert.deepEqual(handlers, [{ name: 'cache-invalidation' }]);
    await page.getByLabel('Target').selectOption('handlers');
    const choices = page.getByLabel('Handlers', { exact: true });
    // The options arrive with the console's own request for the list: wait for it, then read them all.
    await choices.locator('option').first().waitFor({ state: 'attached' });
    assert.deepEqual(await choices.locator('option').allTextContents(), ['cache-invalidation']);
    await choices.selectOption(['cache-invalidation']);
    const toHandlers = await start();
    assert.equal(toHandlers.progress.processed, count);
    await shot(page, 'replay-handlers');

    // A topic of this run's own prefix (the live topic's), so the run's cleanup drops it.
    const { topics } = await admin<{ topics: { topic: string }[] }>('GET', '/event-replay/offsets');
    const live = topics.find((t) => t.topic.endsWith('bss.events'))!.topic;
    const copy = `${live.slice(0, -'bss.events'.length)}console-copy`;
    await page.getByLabel('Target').selectOption('topic');
    await page.getByLabel('Topic', { exact: true }).fill(copy);
    const toTopic = await start();
    assert.equal(toTopic.progress.processed, count);
    const copied = await admin<{ count: number }>('GET', `/event-replay/offsets/${encodeURIComponent(copy)}`);
    assert.equal(toTopic.delivered, count, 'every event of the window appended to the copy');
    // Offsets, not records: on Kafka the replay's transaction markers take offsets too.
    assert.ok(copied.count >= count, `the copy spans ${copied.count} offsets for ${count} events`);
    await checked(page, 'replay to a topic');
  });

  test('admin: Replay — rebuild the read models after a confirmation; the rows the rebuild counted', async () => {
    const { admin, newPage, signIn } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Replay', exact: true }).click();
    await page.getByRole('heading', { name: 'Read models' }).waitFor();
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Rebuild read models' }).click();
    assert.equal(await page.getByTestId('rebuild-result').count(), 0, 'dismissed: nothing rebuilt');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rebuild read models' }).click();
    const shown = (await page.getByTestId('rebuild-result').textContent({ timeout: 60_000 })) ?? '';
    assert.equal(await page.getByRole('alert').count(), 0);
    // The same fold into the shadow tables only: the rows each table gets.
    const again = await admin<{ rows: Record<string, number> }>('POST', '/event-replay/rebuild', { swap: false });
    assert.match(shown, /and swapped in/);
    for (const [table, rows] of Object.entries(again.rows))
      assert.ok(shown.replaceAll(',', '').includes(`${table} ${rows}`), `${table} ${rows} in ${shown}`);
    await checked(page, 'replay with rebuild');
  });

  test('operator: Cache — hit ratio per level and family and invalidations as the API says; warming', async () => {
    const { admin, seeded, url, newPage, signIn, shot, operatorToken } = h();
    const page = await newPage();
    await signIn(page, 'bearer', operatorToken);
    await page.goto(`${url}/console/#/customers/${seeded.customerId}`);
    await page.getByTestId('state-now').waitFor();
    await page.getByRole('link', { name: 'Cache' }).click();
    const families = page.getByTestId('cache-families').locator('tbody tr');
    await families.first().waitFor();
    const stats = await admin<{ caches: Record<string, unknown>; invalidations: Record<string, number> }>(
      'GET',
      '/cache/stats',
    );
    assert.deepEqual(
      await families.locator('td:first-child').allTextContents(),
      Object.keys(stats.caches),
      'the key families',
    );
    assert.deepEqual(
      await page.getByTestId('cache-invalidations').locator('tbody td:first-child').allTextContents(),
      Object.keys(stats.invalidations),
      'invalidation sources',
    );
    assert.match((await page.getByTestId('cache-l1').textContent()) ?? '', /L1 hit ratio(\d+\.\d %|—)/);
    await page.getByRole('button', { name: 'Warm the hottest keys' }).click();
    await page
      .getByTestId('warm-result')
      .getByText(/Warmed: \d+ loaded/)
      .waitFor();
    await page
      .getByTestId('cache-warming')
      .getByText(/[1-9]\d* runs/)
      .waitFor();
    await checked(page, 'cache');
    await shot(page, 'cache', true);
  });

  test('viewer: consumer groups and cache without snapshot, restore or warm buttons; no Debug', async () => {
    const { url, newPage, signIn, viewerToken } = h();
    const page = await newPage();
    await signIn(page, 'bearer', viewerToken);
    assert.equal(await page.getByRole('link', { name: 'Debug' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Replay', exact: true }).count(), 0);
    await page.getByRole('link', { name: 'Consumer groups' }).click();
    await page.locator('[data-testid^="group-"]').first().waitFor();
    assert.equal(await page.getByRole('button', { name: /Take snapshot/ }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Restore a group' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /restore/i }).count(), 0);
    await checked(page, 'consumer groups as viewer');
    await page.getByRole('link', { name: 'Cache' }).click();
    await page.getByTestId('cache-families').waitFor();
    assert.equal(await page.getByRole('button', { name: /Warm/ }).count(), 0);
    await checked(page, 'cache as viewer');
    // The API refuses them anyway.
    const as = { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' };
    const restore = await fetch(`${url}/api/v1/event-replay/restore`, {
      method: 'POST',
      headers: as,
      body: JSON.stringify({ group: 'bss-cache', to: { position: 'latest' }, dryRun: true }),
    });
    assert.equal(restore.status, 403);
    const warm = await fetch(`${url}/api/v1/cache/warm`, { method: 'POST', headers: as });
    assert.equal(warm.status, 403);
    const rebuild = await fetch(`${url}/api/v1/event-replay/rebuild`, { method: 'POST', headers: as, body: '{}' });
    assert.equal(rebuild.status, 403);
  });
}
