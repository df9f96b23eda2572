#!/usr/bin/env node
// The `bss` command. Each subcommand is a small function; later issues add replay, load and bench.
import { parseArgs } from 'node:util';
import { ConfigError, describeConfig, loadConfig } from '../config.ts';
import { compose } from '../compose.ts';
import { createApiKey, revokeApiKey, ROLES, type Role } from '../application/auth/api-keys.ts';
import { API_KEY_CACHE_TTL_MS } from '../application/auth/cached-api-keys.ts';
import { createLogger } from '../observability/logger.ts';
import { main as start } from '../main.ts';
import { REPLAY_USAGE, ReplayUsageError, replayCommand } from './replay.ts';
import { LOAD_USAGE, LoadUsageError, loadCommand } from './load.ts';

const USAGE = `Usage: bss <command> [options]

Commands:
  start                         start the service (same as npm start)
  config                        print the effective configuration, secrets masked
  migrate                       apply database migrations and exit
  keys create --role R [--name N]
                                issue an API key (R: ${ROLES.join(', ')}); the key is printed once
  keys revoke KEY_ID            revoke a key; running services refuse it within ${API_KEY_CACHE_TTL_MS / 1000} s
${REPLAY_USAGE}${LOAD_USAGE}  help                          this text
`;

async function withServices<T>(fn: (services: Awaited<ReturnType<typeof compose>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const services = await compose(config, {
    logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
  });
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

const commands: Record<string, (args: string[]) => Promise<void | number>> = {
  async start() {
    await start();
  },
  async config() {
    const rows = describeConfig(loadConfig());
    const width = Math.max(...Object.keys(rows).map((k) => k.length));
    for (const [key, value] of Object.entries(rows)) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
  },
  async migrate() {
    await withServices(async () => process.stdout.write('migrations are up to date\n'));
  },
  async keys(args) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' } },
    });
    if (positionals[0] === 'revoke') {
      const keyId = positionals[1];
      if (!keyId) throw new UsageError('keys revoke needs the key id');
      const revoked = await withServices((s) => revokeApiKey(s.db, keyId));
      if (!revoked) throw new Error(`no active key ${keyId}`);
      process.stdout.write(
        `Revoked key ${keyId}; running services refuse it within ${API_KEY_CACHE_TTL_MS / 1000} s\n`,
      );
      return;
    }
    if (positionals[0] !== 'create') throw new UsageError(`unknown keys subcommand ${positionals[0] ?? '(none)'}`);
    const role = values.role as Role | undefined;
    if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const key = await withServices((s) => createApiKey(s.db, role, values.name ?? `${role} key`));
    process.stdout.write(
      `Created ${key.role} key ${key.keyId} (${key.name}). Store it now; it is not shown again:\n${key.plaintext}\n`,
    );
  },
  async replay(args) {
    await replayCommand(args);
  },
  async load(args) {
    return loadCommand(args); // 1 when a call failed
  },
  async help() {
    process.stdout.write(USAGE);
  },
};

class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command ${name}`);
    const code = await command(rest);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ReplayUsageError || error instanceof LoadUsageError) {
      process.stderr.write(`bss: ${error.message}\n\n${USAGE}`);
      return 64;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`bss: configuration error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`bss: ${(error as Error).message}\n`);
    return 1;
  }
}

const code = await run(process.argv.slice(2));
if (code !== 0 || process.argv[2] !== 'start') process.exitCode = code;
