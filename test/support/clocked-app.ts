// The composed service (compose() over embedded PGlite in a temporary directory, then buildApp())
// with the application's clock under the test's control, for use cases about dates: billing
// periods, due dates, payments after issue. Credentials are added in one place, request().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { NO_DELAY_SHEDDING } from './env.ts';
import { compose, type Composed } from '../../src/compose.ts';
import { buildApp } from '../../src/api/app.ts';
import type { ApiApp } from '../../src/api/types.ts';
import { createApplication, type Application } from '../../src/application/services.ts';
import type { CommandBus } from '../../src/application/commands/command-bus.ts';
import type { Db } from '../../src/store/db.ts';
import { createLogger } from '../../src/observability/logger.ts';

/** The bootstrap admin key (BSS_ADMIN_API_KEY): allowed everything, known to the test. */
export const ADMIN_KEY = 'test-admin-key-for-clocked-app-0001';

/** Stands still until set, so tests can assert exact times (issuedAt, dueAt, paidAt). */
export interface FixedClock {
  (): string;
  /** Every later command happens at this time. */
  set(at: string): void;
}

export function fixedClock(start: string): FixedClock {
  let now = start;
  return Object.assign(() => now, {
    set(at: string) {
      now = at;
    },
  });
}

/** The use cases, with the database and bus that fixtures write through (billing-fixtures.ts). */
export type ClockedApplication = Application & { readonly db: Db; readonly bus: CommandBus };

export interface ClockedApp {
  readonly api: ApiApp;
  readonly app: ClockedApplication;
  readonly composed: Composed;
  readonly clock: FixedClock;
  /** inject() with credentials; headers given by the test win. */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function clockedApp(start: string): Promise<ClockedApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bss-clocked-'));
  try {
    const config = loadConfig({
      BSS_DATA_DIR: dataDir,
      BSS_ADMIN_API_KEY: ADMIN_KEY,
      BSS_EVENT_PARTITIONS: '4',
      ...NO_DELAY_SHEDDING,
    });
    const composed = await compose(config, { logger: createLogger('silent') });
    const clock = fixedClock(start);
    const { db, bus } = composed;
    const app = { ...createApplication({ db, bus, clock }), db, bus };
    const api = await buildApp({ ...composed, application: app });
    return {
      api,
      app,
      composed,
      clock,
      request: (options) => api.inject({ ...options, headers: { 'x-api-key': ADMIN_KEY, ...options.headers } }),
      async close() {
        await api.close();
        await composed.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
