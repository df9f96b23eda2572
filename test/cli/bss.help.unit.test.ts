// Every command and subcommand answers --help with exit 0, a usage line and examples; wrong command
// lines exit 64 with a pointer to the help; `npx bss` runs the project's bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { buildProgram } from '../../src/cli/bss.ts';
import { completionTable } from '../../src/cli/completion.ts';
import { runCli } from './run-cli.ts';

const paths = [...completionTable(buildProgram()).keys()].filter(
  (p) => p !== '' && !p.endsWith(' help') && p !== 'help',
);

test('bss --help lists the commands, examples and the exit codes', async () => {
  const run = await runCli(['--help']);
  assert.equal(run.code, 0, run.stderr);
  for (const command of ['start', 'config', 'migrate', 'keys', 'replay', 'load', 'completion'])
    assert.match(run.stdout, new RegExp(`^  ${command}\\b`, 'm'));
  assert.match(run.stdout, /^Exit codes:$/m);
  assert.match(run.stdout, /^ {2}64 {3}usage error/m);
  assert.match(run.stdout, /^Examples:$/m);
  assert.equal((await runCli([])).code, 0, 'bss alone shows the help');
});

test('every command and subcommand has --help with examples, exit 0', async () => {
  assert.ok(paths.includes('replay run') && paths.includes('keys create'), paths.join(', '));
  for (const path of paths) {
    const run = await runCli([...path.split(' '), '--help']);
    assert.equal(run.code, 0, `${path} --help: ${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^Usage: bss ${path}\\b`, 'm'), path);
    assert.match(run.stdout, /^Examples:\n {2}\$ bss /m, `${path} has examples`);
    assert.equal(run.stderr, '', path);
  }
});

test('leaf commands that print results take --json', () => {
  const table = completionTable(buildProgram());
  for (const [path, words] of table) {
    const leaf = !words.some((w) => table.has(path ? `${path} ${w}` : w));
    if (!leaf || ['start', 'completion'].includes(path) || path.endsWith('help')) continue;
    assert.ok(words.includes('--json'), `${path} has --json`);
  }
});

test('wrong command lines exit 64 and say what is wrong', async () => {
  const unknown = await runCli(['nope']);
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /unknown command 'nope'/);
  const option = await runCli(['replay', 'run', '--bogus']);
  assert.equal(option.code, 64);
  assert.match(option.stderr, /unknown option '--bogus'/);
  const missing = await runCli(['replay', 'job']);
  assert.equal(missing.code, 64);
  assert.match(missing.stderr, /missing required argument 'id'/);
  const role = await runCli(['keys', 'create', '--role', 'root']);
  assert.equal(role.code, 64);
  assert.match(role.stderr, /Allowed choices are viewer, operator, admin/);
  const restore = await runCli(['replay', 'restore', '--group', 'g', '--url', 'http://127.0.0.1:65534']);
  assert.equal(restore.code, 64, 'a usage error found by the command itself');
  assert.match(restore.stderr, /one of --snapshot, --time, --position \(add --help for usage\)/);
});

test('configuration errors exit 2, an unreachable service exits 3', async () => {
  const config = await runCli(['config'], { BSS_PORT: 'eighty' });
  assert.equal(config.code, 2);
  assert.match(config.stderr, /configuration error: .*BSS_PORT/);
  const down = await runCli(['replay', 'jobs', '--url', 'http://127.0.0.1:65534', '--api-key', 'x'.repeat(24)]);
  assert.equal(down.code, 3);
  assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:65534: ECONNREFUSED/);
  const keys = await runCli(['keys', 'list', '--url', 'http://127.0.0.1:65534']);
  assert.equal(keys.code, 3, 'an explicit --url that does not answer is not silently replaced by the database');
  assert.match(keys.stderr, /no service answers at http:\/\/127\.0\.0\.1:65534; --direct works on the database/);
});

test('config --json is the configuration as JSON', async () => {
  const run = await runCli(['config', '--json'], { BSS_ADMIN_API_KEY: 'a-secret-admin-key-0123456789' });
  assert.equal(run.code, 0, run.stderr);
  const config = JSON.parse(run.stdout) as Record<string, string>;
  assert.equal(config['mode'], 'embedded');
  assert.doesNotMatch(run.stdout, /a-secret-admin-key/);
});

test('completion scripts are valid bash and complete commands and options', async () => {
  const script = await runCli(['completion', 'bash']);
  assert.equal(script.code, 0, script.stderr);
  const complete = async (line: string) => {
    const words = line.split(' ');
    const { stdout } = await promisify(execFile)('bash', [
      '-c',
      `${script.stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _bss_complete; echo "\${COMPREPLY[*]}"`,
    ]);
    return stdout.trim().split(' ');
  };
  assert.deepEqual(await complete('bss rep'), ['replay']);
  assert.deepEqual((await complete('bss replay re')).sort(), ['rebuild', 'reconstruct', 'restore']);
  assert.ok((await complete('bss keys create --')).includes('--role'));
  assert.ok((await complete('bss replay run --url http://x --')).includes('--detach'));
  const zsh = await runCli(['completion', 'zsh']);
  assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit$/m);
  assert.equal((await runCli(['completion', 'fish'])).code, 64);
});

test('npx bss runs the project bin (package.json "bin")', async () => {
  const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
  const { stdout } = await promisify(execFile)('npx', ['--loglevel=error', 'bss', 'replay', 'run', '--help'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
  });
  assert.match(stdout, /^Usage: bss replay run \[options\]/m);
});
