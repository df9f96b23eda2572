// The console's first areas in a real browser (Debian's chromium through playwright-core) against the
// real service: sign-in by keyboard, Live, customer search, Customer 360 with the time slider checked
// against the API's reconstruct-state, the diff and a CloudEvent, the Timeline, Replay, and a viewer
// (bearer JWT) who sees no time travel. axe-core and a keyboard walk on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, assertKeyboardWalk } from './browser.ts';
import { seedHistory } from './seed.ts';
import { ADMIN_KEY, waitForChange, type Harness } from './harness.ts';

export function coreSuite(h: () => Harness): void {
  test('admin: Live shows the service’s own numbers, pushed every second', async () => {
    const { admin, newPage, signIn, shot } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY, 'sign-in');
    assert.equal(await page.getByTestId('role').textContent(), 'admin');
    await page.getByTestId('live-status').getByText('live').waitFor();
    // Traffic now shows in the next samples: events by type, requests, latency.
    const traffic = seedHistory(admin, 'cus_console_live');
    await traffic;
    const byType = page.getByTestId('events-by-type');
    await byType
      .getByText(/customer\.suspended|payment\.captured/)
      .first()
      .waitFor({ timeout: 20_000 });
    assert.match((await page.getByTestId('tile-throughput').textContent()) ?? '', /of 6,667\/s target/);
    assert.match((await page.getByTestId('tile-p99').textContent()) ?? '', /API p99\d+(\.\d+)? ms/);
    assert.match((await page.getByTestId('tile-errors').textContent()) ?? '', /5xx rate\d+\.\d %/);
    // The cache's consumer group reports its lag every 5 s: a series in the lag chart's legend.
    await page.locator('.u-legend .u-label', { hasText: 'bss-cache' }).first().waitFor({ timeout: 20_000 });
    // Admission control counts shed requests: the tile shows, and nothing was shed.
    assert.match((await page.getByTestId('tile-shed').textContent()) ?? '', /Shed requests\/s0(\.0+)?$/);
    await assertAccessible(page, 'live');
    await assertKeyboardWalk(page, 'live');
    await shot(page, 'live', true);
  });

  test('admin: search a customer, see the state now and at T (= the API’s reconstruct-state), diff, CloudEvent', async () => {
    const { admin, seeded, newPage, signIn, shot } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Id, email or name').fill('maria ross');
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByTestId('customer-results');
    await results.getByRole('link', { name: 'Maria Rossi' }).first().waitFor();
    assert.equal(await results.locator('tbody tr').count(), 2, 'the two Maria Rossi customers of this run');
    await assertAccessible(page, 'customers');
    await assertKeyboardWalk(page, 'customers');
    await shot(page, 'customers');
    await page
      .getByRole('row', { name: /cus_console_maria\b/ })
      .getByRole('link')
      .click();

    const now = page.getByTestId('state-now');
    await now.getByTestId('profile-status').getByText('SUSPENDED').waitFor();
    const balanceNow = await admin<{ balance: { amount: number } }>('GET', `/customers/${seeded.customerId}/balance`);
    assert.equal(await now.getByTestId('balance').getAttribute('data-minor'), String(balanceNow.balance.amount));
    assert.equal(await now.getByTestId('payments').locator('tbody tr').count(), 1);

    // The moment T, typed into the native date-time picker: the state as the API reconstructs it.
    const at = new Date(seeded.middle).toISOString().slice(0, 19);
    await page.locator('#tt-at').fill(at);
    const then = page.getByTestId('state-at');
    await then.getByTestId('profile-status').getByText('ACTIVE').waitFor();
    const api = await admin<{ customers: Record<string, ViewAtT> }>('POST', '/event-replay/reconstruct-state', {
      customerId: seeded.customerId,
      targetTime: `${at}Z`,
    });
    const view = api.customers[seeded.customerId]!;
    assert.equal(view.customer.status, 'ACTIVE');
    assert.equal(await then.getByTestId('balance').getAttribute('data-minor'), String(view.balance.balance));
    assert.equal(await then.getByTestId('payments').locator('tbody tr').count(), Object.keys(view.payments).length);
    assert.equal(
      await then.getByTestId('subscriptions').locator('tbody tr').count(),
      Object.keys(view.subscriptions).length,
    );
    assert.equal(await then.getByTestId('usage-summary').locator('tbody tr').count(), Object.keys(view.usage).length);
    // The slider moved with the picker; the keyboard moves it on (one second per arrow key).
    assert.equal(await page.locator('#tt-slider').inputValue(), String(seeded.middle / 1000));
    await assertAccessible(page, 'customer 360 at T');
    await assertKeyboardWalk(page, 'customer 360 at T');
    await shot(page, 'customer-360', true);

    // T → now: the changes and the events that made them.
    await page.getByLabel('From (UTC)').fill(at);
    await page.getByRole('button', { name: 'Compare' }).click();
    const events = page.getByTestId('diff-events');
    await events.locator('tbody tr').first().waitFor();
    const diff = await admin<{ events: { id: string; type: string }[]; changes: unknown[] }>(
      'GET',
      `/event-replay/diff?customerId=${seeded.customerId}&from=${at}Z&to=${encodeURIComponent(await page.locator('#diff-to').inputValue())}Z`,
    );
    assert.equal(await events.locator('tbody tr').count(), diff.events.length);
    assert.equal(await page.getByTestId('diff-changes').locator('tbody tr').count(), diff.changes.length);
    assert.ok(
      diff.events.some((e) => e.type.includes('customer.suspended')),
      'the suspension is among them',
    );
    await page.getByTestId('diff-changes').getByText('customer.status').waitFor();

    await events.getByRole('button').first().click();
    const dialog = page.getByRole('dialog');
    const cloudEvent = JSON.parse((await dialog.getByTestId('cloudevent').textContent()) ?? '{}');
    assert.equal(cloudEvent.specversion, '1.0');
    assert.equal(cloudEvent.id, diff.events[0]!.id);
    assert.equal(cloudEvent.partitionkey, seeded.customerId);
    await assertAccessible(page, 'CloudEvent dialog');
    await shot(page, 'cloudevent');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  test('admin: Timeline — histogram = the API count, brush to zoom, filter by type, load more, an event', async () => {
    const { admin, newPage, signIn, shot } = h();
    // More than a page of events: 60 customers.
    for (let i = 0; i < 6; i++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          admin('POST', '/customers', {
            customerId: `cus_console_bulk_${i * 10 + j}`,
            firstName: 'Bulk',
            lastName: `Customer ${i * 10 + j}`,
            email: `bulk${i * 10 + j}@example.com`,
            address: { line1: 'Main St 1', city: 'Dublin', postalCode: 'D01', country: 'IE' },
          }),
        ),
      );
    }
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    const { count } = await admin<{ count: number }>('GET', '/event-replay/count');
    await page
      .getByTestId('histogram-total')
      .getByText(`${count.toLocaleString('en')} events in the window`)
      .waitFor();
    const rows = page.getByTestId('timeline-events').locator('tbody tr');
    await rows.nth(49).waitFor();
    assert.equal(await rows.count(), 50, 'one page of 50');
    await page.getByRole('button', { name: 'Load 50 more' }).click();
    await rows.nth(Math.min(count, 100) - 1).waitFor();
    assert.equal(await rows.count(), Math.min(count, 100));
    await assertAccessible(page, 'timeline');
    await assertKeyboardWalk(page, 'timeline');
    // The walk left the focus (and the scroll) at the bottom: the shot shows the page from its top.
    await page.getByRole('heading', { name: 'Timeline', exact: true }).scrollIntoViewIfNeeded();
    await shot(page, 'timeline');

    // The brush: drag across the left part of the histogram → a narrower window, fewer events. The
    // window fields show milliseconds: this test's log spans about two seconds, so a zoom may end in
    // the same second as the whole log (whole-second fields showed no change; the brush looked lost).
    const over = page.getByTestId('histogram').locator('.u-over');
    await over.scrollIntoViewIfNeeded(); // "Load more" scrolled the page down
    const box = (await over.boundingBox())!;
    const endBefore = await page.locator('#w-end').inputValue();
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await waitForChange(() => page.locator('#w-end').inputValue(), endBefore);
    const zoomedTotal = Number(((await page.getByTestId('histogram-total').textContent()) ?? '').replace(/\D/g, ''));
    assert.ok(zoomedTotal < count, `zoomed ${zoomedTotal} < ${count}`);
    const utc = (value: string) => Date.parse(`${value}Z`);
    assert.ok(utc(await page.locator('#w-end').inputValue()) < utc(endBefore), 'the window ends earlier');
    await page.getByRole('button', { name: 'Whole log' }).click();

    // Server-side filter by type: exactly the API's answer.
    await page.getByLabel('Types').fill('customer.suspended');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const suspended = await admin<{ events: { id: string }[] }>(
      'GET',
      '/event-replay/timeline?type=customer.suspended',
    );
    await page
      .getByTestId('loaded-count')
      .getByText(new RegExp(`^${suspended.events.length} loaded$`))
      .waitFor();
    for (const text of await rows.locator('td:nth-child(2)').allTextContents())
      assert.match(text, /customer\.suspended/);
    // The histogram counts the same filter: the API's filtered histogram, as many as the list.
    const filtered = await admin<{ total: number; partial: boolean }>(
      'GET',
      '/event-replay/histogram?type=customer.suspended',
    );
    assert.deepEqual(filtered, { ...filtered, total: suspended.events.length, partial: false });
    await page.getByTestId('histogram-total').getByText(`${filtered.total} matching events in the window`).waitFor();

    await rows.first().getByRole('button', { name: 'Show' }).click();
    const cloudEvent = JSON.parse((await page.getByRole('dialog').getByTestId('cloudevent').textContent()) ?? '{}');
    assert.equal(cloudEvent.id, suspended.events[0]!.id);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    // Free text, on the server (bounded like a type): one customer's e-mail, in the list and the histogram.
    await page.getByLabel('Types').fill('');
    await page.getByLabel('Text').fill('BULK7@example');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const found = await admin<{ events: { customerId: string }[] }>('GET', '/event-replay/timeline?q=bulk7%40example');
    assert.deepEqual(
      found.events.map((e) => e.customerId),
      ['cus_console_bulk_7'],
    );
    await page
      .getByTestId('loaded-count')
      .getByText(/^1 loaded$/)
      .waitFor();
    await page.getByTestId('histogram-total').getByText('1 matching events in the window').waitFor();
    assert.equal(await rows.first().locator('td:nth-child(3)').textContent(), 'cus_console_bulk_7');
  });

  test('admin: Timeline — a rare type: the console asks again with the cursor until it has the page', async () => {
    const { admin, newPage, signIn } = h();
    const { count } = await admin<{ count: number }>('GET', '/event-replay/count');
    // The server reads ≤ 10,000 records a request; the test makes it read a tenth of this log instead.
    const scanLimit = Math.ceil(count / 10) + 1;
    const asked: string[] = [];
    const page = await newPage();
    await page.route('**/api/v1/event-replay/timeline?*', (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('scanLimit', String(scanLimit));
      asked.push(url.searchParams.get('type') ?? '');
      return route.continue({ url: url.toString() });
    });
    // The filtered histogram reads ≤ 100,000 records; here a tenth of the log, so it says it is partial.
    await page.route('**/api/v1/event-replay/histogram?*', (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.has('type')) url.searchParams.set('scanLimit', String(scanLimit));
      return route.continue({ url: url.toString() });
    });
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    await page.getByTestId('timeline-events').locator('tbody tr').first().waitFor();
    const rare = await admin<{ events: { id: string }[]; nextCursor: string | null }>(
      'GET',
      '/event-replay/timeline?type=customer.suspended&maxEvents=50',
    );
    const first = await admin<{ events: unknown[]; nextCursor: string | null; scanned: number }>(
      'GET',
      `/event-replay/timeline?type=customer.suspended&maxEvents=50&scanLimit=${scanLimit}`,
    );
    assert.ok(first.scanned === scanLimit && first.nextCursor !== null, 'one request does not reach the end');
    asked.length = 0;
    await page.getByLabel('Types').fill('customer.suspended');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const n = rare.events.length;
    await page
      .getByTestId('loaded-count')
      .getByText(new RegExp(`^${n} loaded$`))
      .waitFor();
    assert.ok(n > 0 && n < 50 && rare.nextCursor === null, 'fewer than a page of them in the whole log');
    assert.ok(asked.length > 1 && asked.length <= 20, `the console asked ${asked.length} times`);
    assert.ok(asked.every((type) => type === 'customer.suspended'));
    const ids = await page.getByTestId('timeline-events').locator('tbody tr').count();
    assert.equal(ids, n);
    assert.equal(await page.getByRole('button', { name: 'Load 50 more' }).count(), 0, 'the log was read to its end');
    const partial = await admin<{ scanned: number; countedUntil: number; countedBy: string; total: number }>(
      'GET',
      `/event-replay/histogram?type=customer.suspended&scanLimit=${scanLimit}`,
    );
    if (h().mode === 'embedded') {
      // The database log counts a type exactly in SQL: no scan, nothing partial, the whole log's count.
      assert.deepEqual({ countedBy: partial.countedBy, total: partial.total }, { countedBy: 'log', total: n });
      await page.getByTestId('histogram-exact').getByText('Counted exactly over the whole window').waitFor();
      assert.equal(await page.getByTestId('histogram-partial').count(), 0);
    } else {
      // Kafka has no index of types: the histogram reads records up to its limit and says so.
      assert.equal(partial.countedBy, 'scan');
      await page
        .getByTestId('histogram-partial')
        .getByText(`Partial: counted the first ${partial.scanned.toLocaleString('en')} records of the window`)
        .waitFor();
    }
  });

  test('admin: Replay — a MAX job reaches 100 % live; a stepped job steps and cancels', async () => {
    const { admin, newPage, signIn, shot } = h();
    const page = await newPage();
    await signIn(page, 'api-key', ADMIN_KEY);
    await page.getByRole('link', { name: 'Replay' }).click();
    const jobs = page.getByTestId('jobs').locator('tbody tr');
    const before = await jobs.count();

    await page.getByRole('button', { name: 'Start replay' }).click();
    await jobs.nth(before).waitFor();
    const maxJob = jobs.first();
    await maxJob.getByTestId('job-status').getByText('COMPLETED').waitFor({ timeout: 30_000 });
    assert.equal(await maxJob.getByTestId('job-percent').textContent(), '100 %');
    const id = ((await maxJob.getAttribute('data-testid')) ?? '').replace(/^job-/, '');
    const job = await admin<{ progress: { processed: number; total: number } }>('GET', `/event-replay/replay/${id}`);
    const { count } = await admin<{ count: number }>('GET', '/event-replay/count');
    assert.equal(job.progress.total, count);
    assert.equal(job.progress.processed, count);

    await page.getByLabel('Speed').selectOption('STEP_BY_STEP');
    await page.getByRole('button', { name: 'Start replay' }).click();
    const stepped = jobs.first();
    await stepped.getByTestId('job-status').getByText('PAUSED').waitFor();
    await stepped.getByRole('button', { name: 'Step' }).click();
    await stepped.getByText(`1 / ${count.toLocaleString('en')}`).waitFor();
    await assertAccessible(page, 'replay');
    await assertKeyboardWalk(page, 'replay');
    await shot(page, 'replay');
    await stepped.getByRole('button', { name: 'Cancel' }).click();
    await stepped.getByTestId('job-status').getByText('CANCELLED').waitFor();
  });

  test('viewer (bearer JWT): reads the customer and Live, sees no time travel (admin-only in the API too)', async () => {
    const { url, seeded, newPage, signIn, shot, viewerToken } = h();
    const page = await newPage();
    await signIn(page, 'bearer', viewerToken);
    assert.equal(await page.getByTestId('role').textContent(), 'viewer');
    await page.getByTestId('live-status').getByText('live').waitFor();
    await page.goto(`${url}/console/#/customers/${seeded.customerId}`);
    await page.getByTestId('state-now').getByTestId('profile-status').getByText('SUSPENDED').waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Time travel' }).count(), 0);
    assert.equal(await page.locator('#tt-slider').count(), 0);
    assert.equal(
      await page.getByRole('link', { name: 'Timeline', exact: true }).count(),
      0,
      'no timeline for a viewer',
    );
    assert.equal(await page.getByRole('link', { name: 'Replay' }).count(), 0, 'no replay for a viewer');
    const refused = await fetch(`${url}/api/v1/event-replay/reconstruct-state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: seeded.customerId }),
    });
    assert.equal(refused.status, 403);
    await assertAccessible(page, 'customer 360 as viewer');
    await shot(page, 'customer-360-viewer');
  });

  test('the console and Swagger UI run under the Content-Security-Policy: nothing refused', async () => {
    const { url, newPage, cspViolations } = h();
    const page = await newPage();
    const response = await page.goto(`${url}/docs`);
    assert.match(String(response?.headers()['content-security-policy']), /script-src 'self'/);
    await page.getByRole('heading', { name: /BSS API/ }).waitFor();
    await page.locator('.opblock').first().waitFor();
    const console = await page.goto(`${url}/console/`);
    assert.match(String(console?.headers()['content-security-policy']), /script-src 'self'/);
    await page.getByRole('heading', { name: 'BSS console' }).waitFor();
    assert.deepEqual(cspViolations, []);
  });

  interface ViewAtT {
    customer: { status: string };
    balance: { balance: number };
    payments: Record<string, unknown>;
    subscriptions: Record<string, unknown>;
    usage: Record<string, unknown>;
  }
}
