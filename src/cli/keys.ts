// Through the running service when one answers, else directly in the database; an explicit --url that does
// not answer is an error, never a silent switch.
import { hostname, userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { ROLES, type Role } from '../application/auth/api-keys.ts';
import type { KeyInfo } from '../application/auth/key-admin.ts';
import { API_KEY_CACHE_TTL_MS } from '../application/auth/cached-api-keys.ts';
import { createApiClient, HttpError, type ApiClient } from './api-client.ts';
import { action, clientConfig, examples, jsonOption, serviceOptions, UnreachableError, UsageError } from './common.ts';
import type { Out, ServiceFlags } from './common.ts';
import { formatDuration } from './format.ts';

interface KeyFlags extends ServiceFlags {
  readonly json?: boolean;
  readonly direct?: boolean;
}

interface Admin {
  create(role: Role, name: string): Promise<KeyInfo & { key: string }>;
  list(includeRevoked: boolean): Promise<KeyInfo[]>;
  revoke(keyId: string): Promise<KeyInfo>;
}

const note = (line: string) => void process.stderr.write(`${line}\n`);

function overApi(api: ApiClient): Admin {
  return {
    create: (role, name) => api.call('POST', '/keys', { role, name }),
    list: async (includeRevoked) =>
      (await api.call<{ items: KeyInfo[] }>('GET', `/keys${includeRevoked ? '?includeRevoked=true' : ''}`)).items,
    revoke: (keyId) => api.call('POST', `/keys/${encodeURIComponent(keyId)}/revoke`),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(new URL('/health/live', url), { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

async function withAdmin<T>(flags: KeyFlags, work: (admin: Admin) => Promise<T>): Promise<T> {
  const config = clientConfig(flags);
  if (!flags.direct && (await answers(config.url))) {
    if (!config.apiKey)
      throw new UsageError(
        `a service answers at ${config.url}, so keys are managed through it: pass an admin key with --api-key, ` +
          'BSS_API_KEY or BSS_ADMIN_API_KEY (the key printed at its first start)',
      );
    note(`(through the service at ${config.url})`);
    return work(overApi(createApiClient(config)));
  }
  if (config.explicit && !flags.direct)
    throw new UnreachableError(`no service answers at ${config.url}; --direct works on the database instead`);
  const actor = `cli:${userInfo().username}@${hostname()}`;
  // Loaded only here: the database drivers are not needed by help or the API path.
  const { DataDirBusyError, withDatabase } = await import('./direct.ts');
  const { createApiKeyAdmin } = await import('../application/auth/key-admin.ts');
  try {
    return await withDatabase(loadConfig(), async ({ db, sink, auditTopic }) => {
      note(`(directly in the database: no service answers at ${config.url})`);
      const keys = createApiKeyAdmin({ db, sink, auditTopic, source: '/bss/cli' });
      return work({
        create: async (role, name) => {
          const issued = await keys.create(role, name, actor);
          return { ...issued, lastUsedAt: null, revokedAt: null, key: issued.plaintext };
        },
        list: (includeRevoked) => keys.list({ includeRevoked }),
        revoke: async (keyId) => {
          const revoked = await keys.revoke(keyId, actor);
          if (!revoked) throw new HttpError(404, 'NOT_FOUND', `404 NOT_FOUND: active API key ${keyId} does not exist`);
          return revoked;
        },
      });
    });
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error;
    throw new Error(
      `${error.message}\nManage keys through that service while it runs: ${flags.direct ? 'drop --direct and ' : ''}` +
        'point --url (or BSS_URL) at it, with an admin key (--api-key, BSS_API_KEY or BSS_ADMIN_API_KEY).',
    );
  }
}

const ago = (at: string | null) => (at === null ? 'never' : `${formatDuration(Date.now() - Date.parse(at))} ago`);

function printKeys(keys: readonly KeyInfo[], out: Out): void {
  if (keys.length === 0) return out('no keys');
  const rows = keys.map((k) => [
    k.keyId,
    k.role,
    k.name,
    k.createdAt.slice(0, 19).replace('T', ' '),
    ago(k.lastUsedAt),
    k.revokedAt ? 'revoked' : '',
  ]);
  const header = ['ID', 'ROLE', 'NAME', 'CREATED (UTC)', 'LAST USED', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const row of [header, ...rows])
    out(
      row
        .map((cell, i) => cell.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    );
}

function keyCommand(parent: Command, spec: string, description: string, ...example: string[]): Command {
  const command = parent
    .command(spec)
    .description(description)
    .addOption(jsonOption())
    .option('--direct', 'work on the database even if a service answers (embedded: only while none runs)');
  serviceOptions(command);
  return examples(command, ...example);
}

export function keysCommand(): Command {
  const keys = new Command('keys').description(
    'create, list and revoke API keys (through the running service, else directly in the database)',
  );
  examples(keys, 'bss keys create --role operator --name billing-job', 'bss keys list', 'bss keys revoke 3f9a1c2b4d5e');

  keyCommand(
    keys,
    'create',
    'issue a key; it is printed once, only its hash is stored',
    'bss keys create --role viewer --name grafana',
    'bss keys create --role admin --json',
  )
    .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'what the key is for (default: "<role> key")')
    .action(
      action(async (flags: KeyFlags & { role: Role; name?: string }, out) => {
        const key = await withAdmin(flags, (admin) => admin.create(flags.role, flags.name ?? `${flags.role} key`));
        out(`Created ${key.role} key ${key.keyId} (${key.name}). Store it now; it is not shown again:`);
        out(key.key);
        return key;
      }),
    );

  keyCommand(
    keys,
    'list',
    'keys with role, name, when created and last used (never the keys themselves)',
    'bss keys list',
    'bss keys list --all --json',
  )
    .option('--all', 'also revoked keys')
    .action(
      action(async (flags: KeyFlags & { all?: boolean }, out) => {
        const list = await withAdmin(flags, (admin) => admin.list(flags.all === true));
        printKeys(list, out);
        return { items: list };
      }),
    );

  keyCommand(
    keys,
    'revoke <keyId>',
    `revoke a key; running services refuse it within ${API_KEY_CACHE_TTL_MS / 1000} s`,
    'bss keys revoke 3f9a1c2b4d5e',
  ).action(
    action(async (flags: KeyFlags, out, keyId: string) => {
      const revoked = await withAdmin(flags, (admin) => admin.revoke(keyId));
      out(`Revoked key ${keyId}; running services refuse it within ${API_KEY_CACHE_TTL_MS / 1000} s`);
      return revoked;
    }),
  );
  return keys;
}
