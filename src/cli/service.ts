import { Command, InvalidArgumentError } from 'commander';
import { describeConfig, loadConfig } from '../config.ts';
import { action, examples, jsonOption } from './common.ts';
import { startProgress, type Progress } from './progress.ts';

export function serviceCommands(): Command[] {
  const startCommand = examples(
    new Command('start')
      .description('start the service in the foreground (Ctrl-C or SIGTERM stops it gracefully)')
      .option(
        '-w, --workers <n>',
        'service processes sharing the port (PostgreSQL modes; default BSS_WORKERS or 1)',
        workerCount,
      )
      .addHelpText(
        'after',
        '\nLogs are JSON lines on stdout. In production run node directly: `npx bss start` or\n`node src/main.ts` (npm start does not forward SIGTERM).\nWith --workers N a supervisor forks N workers, restarts a crashed one and drains all on SIGTERM;\nembedded mode (PGlite) refuses more than one.',
      )
      .action(async (flags: { workers?: number }) => {
        const { main } = await import('../main.ts'); // loaded when used: help and other commands start fast
        await main(flags.workers === undefined ? {} : { workers: flags.workers });
      }),
    'bss start',
    'BSS_DATABASE_URL=postgres://bss@db/bss bss start --workers 2',
    'BSS_PORT=9090 BSS_DATA_DIR=/var/lib/bss bss start',
  );

  const config = examples(
    new Command('config')
      .description('print the effective configuration (BSS_* variables and defaults), secrets masked')
      .addOption(jsonOption())
      .action(
        action(async (_flags, out) => {
          const rows = describeConfig(loadConfig());
          const width = Math.max(...Object.keys(rows).map((k) => k.length));
          for (const [key, value] of Object.entries(rows)) out(`${key.padEnd(width)}  ${value}`);
          return rows;
        }),
      ),
    'bss config',
    'BSS_DATABASE_URL=postgres://bss@localhost/bss bss config --json',
  );

  const migrate = examples(
    new Command('migrate')
      .description('apply the database migrations and exit (a starting service does this too)')
      .addOption(jsonOption())
      .action(
        action(async (flags: { json?: boolean }, out) => {
          let progress: Progress | undefined;
          const { withDatabase } = await import('./direct.ts');
          const applied = await withDatabase(loadConfig(), async (direct) => direct.applied, {
            onMigration: (done, total, version) => {
              progress ??= startProgress('migrate', total, { unit: 'migrations' });
              progress.update(done, total, { version });
            },
          });
          progress?.stop();
          out(applied.length === 0 ? 'migrations are up to date' : `applied ${applied.length}: ${applied.join(', ')}`);
          return flags.json ? { applied } : undefined;
        }),
      ),
    'bss migrate',
    'BSS_DATABASE_URL=postgres://bss@db/bss bss migrate --json',
  );
  return [startCommand, config, migrate];
}

/** Only the shape here; loadConfig checks the range and the mode. */
function workerCount(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return Number(raw);
}
