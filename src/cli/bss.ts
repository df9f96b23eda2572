#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { EXIT, EXIT_CODES_HELP, UnreachableError, UsageError, examples } from './common.ts';
import { HttpError } from './api-client.ts';
import { serviceCommands } from './service.ts';
import { keysCommand } from './keys.ts';
import { auditCommand } from './audit.ts';
import { replayCommand } from './replay.ts';
import { loadCli } from './load.ts';
import { billingCommand } from './billing.ts';
import { completionCommand } from './completion.ts';

export function buildProgram(): Command {
  const program = new Command('bss')
    .description('BSS: telecom Business Support System core (service, keys, replay, load)')
    .version(process.env['npm_package_version'] ?? '0.1.0', '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `\nEvery command has --help with examples; commands talking to a service take --url (BSS_URL) and\n--api-key (BSS_API_KEY), and --json prints the result as JSON.\n${EXIT_CODES_HELP}`,
    );
  for (const command of serviceCommands()) program.addCommand(command);
  program.addCommand(keysCommand());
  program.addCommand(auditCommand());
  program.addCommand(replayCommand());
  program.addCommand(loadCli());
  program.addCommand(billingCommand());
  program.addCommand(completionCommand(program));
  examples(
    program,
    'bss start',
    'bss keys create --role operator',
    'bss replay offsets --json',
    'source <(bss completion bash)',
  );
  // Exit codes instead of process.exit, output through our streams.
  const configure = (command: Command) => {
    command.exitOverride().showHelpAfterError('(add --help for usage)');
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

function report(error: unknown): number {
  const fail = (code: number, message: string) => {
    process.stderr.write(`bss: ${message}\n`);
    return code;
  };
  if (error instanceof CommanderError) {
    // Commander has already printed its message for the others.
    return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) &&
      error.exitCode === 0
      ? EXIT.ok
      : EXIT.usage;
  }
  if (error instanceof UsageError) return fail(EXIT.usage, `${error.message} (add --help for usage)`);
  if (error instanceof ConfigError) return fail(EXIT.config, `configuration error: ${error.message}`);
  if (error instanceof UnreachableError) return fail(EXIT.unreachable, error.message);
  if (error instanceof HttpError) return fail(EXIT.failed, error.message);
  return fail(EXIT.failed, (error as Error).message);
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return report(error);
  }
}

if (import.meta.main) process.exitCode = await runCli(process.argv.slice(2));
