import type { Command } from 'commander';
import { Option } from 'commander';
import { loadClientConfig, type ClientConfig } from '../config.ts';

/** As `bss --help` and the README list them. */
export const EXIT = {
  ok: 0,
  failed: 1,
  config: 2,
  unreachable: 3,
  usage: 64,
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    the operation failed (an API error, a replay job that did not complete, a load with errors)
  2    configuration error (a BSS_* variable or flag value is invalid)
  3    the service is not reachable at --url / BSS_URL
  64   usage error (unknown command or option, missing argument)
  130  interrupted (Ctrl-C)`;

export class UsageError extends Error {}
export class UnreachableError extends Error {}

export type Out = (line: string) => void;
const print: Out = (line) => void process.stdout.write(`${line}\n`);

export function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

export const jsonOption = () => new Option('--json', 'print the result as JSON on stdout (progress stays on stderr)');

export function serviceOptions(command: Command, role = 'an admin'): Command {
  return command
    .addOption(new Option('--url <url>', 'the service (default BSS_URL, else http://127.0.0.1:BSS_PORT)'))
    .addOption(new Option('--api-key <key>', `${role} key (default BSS_API_KEY, else BSS_ADMIN_API_KEY)`));
}

export interface ServiceFlags {
  readonly url?: string;
  readonly apiKey?: string;
}

/** Flags win over BSS_URL / BSS_API_KEY; `explicit`: the URL was asked for. */
export function clientConfig(
  flags: ServiceFlags,
  fromEnv = loadClientConfig(),
): ClientConfig & { readonly explicit: boolean } {
  const url = (flags.url ?? fromEnv.url).replace(/\/+$/, '');
  return { url, apiKey: flags.apiKey ?? fromEnv.apiKey, explicit: flags.url !== undefined || fromEnv.urlSet };
}

/** `run`'s result is printed as JSON with --json, which silences `out`. */
export function action<A extends unknown[], O extends { json?: boolean }>(
  run: (options: O, out: Out, ...args: A) => Promise<unknown>,
) {
  return async function (this: Command, ...args: unknown[]): Promise<void> {
    const options = this.optsWithGlobals<O>();
    const positional = args.slice(0, this.registeredArguments.length) as A;
    const result = await run(options, options.json ? () => undefined : print, ...positional);
    if (options.json && result !== undefined) print(JSON.stringify(result, null, 2));
  };
}
