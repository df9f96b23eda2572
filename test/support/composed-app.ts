// The real app as main.ts builds it — compose() from a Config, then buildApp() — on embedded PGlite in
// a temporary directory, with one API key per role. Driven with inject(); no network, no services.
import { after, before } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { NO_DELAY_SHEDDING } from './env.ts';
import { compose, type Composed } from '../../src/compose.ts';
import { buildApp } from '../../src/api/app.ts';
import type { ApiApp } from '../../src/api/types.ts';
import { createApiKey, type IssuedKey, type Role } from '../../src/application/auth/api-keys.ts';
import { createLogger, type Logger } from '../../src/observability/logger.ts';

export interface ComposedApp {
  readonly app: ApiApp;
  readonly services: Composed;
  readonly keys: Readonly<Record<Role, IssuedKey>>;
  /** Headers carrying the key of a role. */
  as(role: Role): Record<string, string>;
  /** Rows of the events topic in the event log: what a write appended. */
  countEvents(): Promise<number>;
  close(): Promise<void>;
}

export async function composedApp(
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<ComposedApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bss-api-'));
  try {
    const config = loadConfig({ BSS_DATA_DIR: dataDir, BSS_EVENT_PARTITIONS: '4', ...NO_DELAY_SHEDDING, ...env });
    const services = await compose(config, { logger: options.logger ?? createLogger('silent') });
    const app = await buildApp(services);
    const keys = {
      viewer: await createApiKey(services.db, 'viewer', 'test viewer'),
      operator: await createApiKey(services.db, 'operator', 'test operator'),
      admin: await createApiKey(services.db, 'admin', 'test admin'),
    };
    return {
      app,
      services,
      keys,
      as: (role) => ({ 'x-api-key': keys[role].plaintext }),
      async countEvents() {
        // The events topic only: admin actions add audit events on their own topic.
        const { rows } = await services.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM event_log WHERE topic = $1',
          [services.eventsTopic],
        );
        return rows[0]?.n ?? 0;
      },
      async close() {
        await app.close();
        await services.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * One composed app for all the tests of a file, opened before the first and closed after the last. Its
 * members are read at use, so the app can be named at the top of the file (and passed to `client()`);
 * `setUp` runs once it is open.
 */
export function composedAppPerFile(
  env: Record<string, string> = {},
  options: { logger?: Logger; setUp?: () => Promise<void> } = {},
): ComposedApp {
  let opened: ComposedApp | undefined;
  // One hook: node:test starts a file's top-level before() hooks without waiting for the one before.
  before(async () => {
    opened = await composedApp(env, options);
    await options.setUp?.();
  });
  after(() => opened?.close());
  const the = (): ComposedApp => {
    if (!opened) throw new Error('the composed app is opened in before(): use it inside a hook or a test');
    return opened;
  };
  return {
    get app() {
      return the().app;
    },
    get services() {
      return the().services;
    },
    get keys() {
      return the().keys;
    },
    as: (role) => the().as(role),
    countEvents: () => the().countEvents(),
    close: () => the().close(),
  };
}
