// One real service for the browser tests, on embedded defaults or on PostgreSQL + Kafka (a schema and
// a topic prefix of its own, dropped afterwards), with an admin key, a viewer and an operator (bearer
// JWTs), Debian's chromium, and a customer's history with a moment T in the middle.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Admin } from '@platformatic/kafka';
import type { Browser, Page } from 'playwright-core';
import { startService, type ServiceProcess } from '../../support/service-process.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { assertAccessible, launchBrowser, screenshot } from './browser.ts';
import { http, seedHistory, type Http, type Seeded } from './seed.ts';

export type Mode = 'embedded' | 'distributed';
export const ADMIN_KEY = 'bss_console_test_admin_key_0123456789';

export interface Harness {
  readonly mode: Mode;
  readonly url: string;
  /** Distributed mode: the cluster and the service's live topic (a test may join its groups from outside). */
  readonly kafka?: { readonly brokers: string[]; readonly topic: string };
  readonly admin: Http;
  readonly seeded: Seeded;
  readonly viewerToken: string;
  readonly operatorToken: string;
  newPage(): Promise<Page>;
  /** Everything the browser refused under the service's Content-Security-Policy, on every page. */
  readonly cspViolations: readonly string[];
  signIn(page: Page, kind: 'api-key' | 'bearer', secret: string, screenshotName?: string): Promise<void>;
  /** Screenshots come from the embedded run only (one set for docs/console.md). */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  stop(): Promise<void>;
}

const token = (key: CryptoKey, subject: string, role: string) =>
  new SignJWT({ roles: [role] })
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject(subject)
    .setExpirationTime('30m')
    .sign(key);

async function distributedEnv(): Promise<{
  env: Record<string, string>;
  prefix: string;
  cleanup: () => Promise<void>;
}> {
  const url = requireEnv('BSS_DATABASE_URL');
  const brokers = requireEnv('BSS_KAFKA_BROKERS');
  const schema = uniqueName('console');
  const prefix = `${schema.replaceAll('_', '-')}.`;
  const env = {
    BSS_DATABASE_URL: url,
    BSS_DATABASE_SCHEMA: schema,
    BSS_KAFKA_BROKERS: brokers,
    BSS_TOPIC_PREFIX: prefix,
  };
  const cleanup = async () => {
    const db = await createPostgresDb({ url });
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
    const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers.split(',') });
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.close();
  };
  return { env, prefix, cleanup };
}

/** The service and the browser; when one fails to start, the other is stopped (an orphan keeps the run alive). */
async function startBoth(env: Record<string, string>): Promise<[ServiceProcess, Browser]> {
  const [service, browser] = await Promise.allSettled([startService(env), launchBrowser()]);
  if (service.status === 'fulfilled' && browser.status === 'fulfilled') return [service.value, browser.value];
  await Promise.allSettled([
    service.status === 'fulfilled' ? service.value.stop() : undefined,
    browser.status === 'fulfilled' ? browser.value.close() : undefined,
  ]);
  throw service.status === 'rejected' ? service.reason : (browser as PromiseRejectedResult).reason;
}

export async function startHarness(mode: Mode): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bss-console-'));
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const [viewerToken, operatorToken] = await Promise.all([
    token(privateKey, 'console-viewer', 'viewer'),
    token(privateKey, 'console-operator', 'operator'),
  ]);
  const distributed = mode === 'distributed' ? await distributedEnv() : undefined;
  const [service, browser] = await startBoth({
    ...(distributed?.env ?? { BSS_DATA_DIR: dataDir }),
    BSS_ADMIN_API_KEY: ADMIN_KEY,
    BSS_JWT_PUBLIC_KEY: await exportSPKI(publicKey),
  });
  const admin = http(service.url, { 'x-api-key': ADMIN_KEY });
  const seeded = await seedHistory(admin, 'cus_console_maria').catch(async (error: unknown) => {
    await Promise.allSettled([browser.close(), service.stop()]);
    throw error;
  });
  const cspViolations: string[] = [];
  return {
    mode,
    url: service.url,
    ...(distributed
      ? {
          kafka: {
            brokers: requireEnv('BSS_KAFKA_BROKERS').split(','),
            topic: `${distributed.prefix}bss.events`,
          },
        }
      : {}),
    admin,
    seeded,
    viewerToken,
    operatorToken,
    cspViolations,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC' });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
      });
      page.setDefaultTimeout(20_000);
      return page;
    },
    async signIn(page, kind, secret, screenshotName) {
      await page.goto(service.url); // `/` redirects to /console/
      await page.getByRole('heading', { name: 'BSS console' }).waitFor();
      assert.match(page.url(), /\/console\/$/);
      await assertAccessible(page, 'sign-in');
      if (kind === 'bearer') await page.getByRole('radio', { name: 'Bearer token' }).check();
      // By keyboard: the secret field, then Enter submits.
      await page.getByRole('textbox', { name: kind === 'api-key' ? 'API key' : 'Bearer token' }).focus();
      await page.keyboard.type(secret);
      if (screenshotName && mode === 'embedded') await screenshot(page, screenshotName);
      await page.keyboard.press('Enter');
      await page.getByTestId('role').waitFor();
    },
    async shot(page, name, fullPage = false) {
      if (mode === 'embedded') await screenshot(page, name, fullPage);
    },
    async stop() {
      await browser?.close();
      await service?.stop();
      await rm(dataDir, { recursive: true, force: true });
      await distributed?.cleanup();
    },
  };
}

/** Polls until read() differs from before (a string predicate would be eval'd in the page, which the CSP forbids). */
export async function waitForChange(read: () => Promise<string | null>, before: string | null, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await read()) === before) {
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(before)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
