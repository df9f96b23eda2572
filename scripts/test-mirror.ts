// How far test/ mirrors the source tree, file by file: test/<dir>/<name>[.<aspect>].<unit|int>.test.ts
// tests src/<dir>/<name>.ts (or the folder module src/<dir>/<name>/, tested from test/<dir>/<name>/<name>.*),
// and test/console/ mirrors console/src/. Whole-system tests are listed apart: they test no one file.
// Usage: node scripts/test-mirror.ts [--check]   (--check: the count only; exit 1 if a per-file test mirrors
// nothing, as the lint step runs it)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** Folders of tests that drive the whole system (processes, browsers, restarts, deploy tooling). */
const WHOLE_SYSTEM = ['e2e', 'chaos', 'faults', 'deploy', 'infra'];

function* testFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* testFiles(path);
    else if (entry.name.endsWith('.test.ts')) yield path;
  }
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** Why a test file spans more than one source file by nature, or undefined if it should mirror one. */
function wholeSystemReason(test: string): string | undefined {
  const [, top] = test.split('/');
  if (WHOLE_SYSTEM.includes(top!)) return `${top}/`;
  if (/\.feature\.(unit|int)\.test\.ts$/.test(test)) return 'feature test';
  if (/browser/.test(basename(test))) return 'browser';
  return undefined;
}

/** The source file or folder a test file mirrors, or undefined. */
function mirrored(test: string): string | undefined {
  const rel = relative('test', test);
  const dir = dirname(rel) === '.' ? '' : dirname(rel);
  const name = basename(rel)
    .replace(/\.(unit|int)\.test\.ts$/, '')
    .replace(/\..*$/, ''); // drop the .aspect
  const roots = dir === 'console' || dir.startsWith('console/') ? [join('console/src', dir.slice(8))] : [];
  roots.push(join('src', dir));
  for (const root of roots) {
    for (const candidate of [join(root, `${name}.ts`), join(root, `${name}.tsx`), join(root, name, 'index.ts')]) {
      if (existsSync(candidate)) return candidate;
    }
    if (basename(root) === name && isDir(root)) return `${root}/`;
  }
  return undefined;
}

const all = [...testFiles('test')].sort();
const whole = all.flatMap((test) => {
  const reason = wholeSystemReason(test);
  return reason ? [{ test, reason }] : [];
});
const perFile = all.filter((test) => !wholeSystemReason(test));
const unmirrored = perFile.filter((test) => !mirrored(test));

const check = process.argv.includes('--check');
if (!check) {
  console.log(`whole-system tests (${whole.length}): testing no one file by nature`);
  for (const { test, reason } of whole) console.log(`  ${test}  [${reason}]`);
}
if (!check || unmirrored.length > 0) console.log(`per-file tests not mirroring a source path (${unmirrored.length}):`);
for (const test of unmirrored) console.log(`  ${test}`);
console.log(
  `${perFile.length - unmirrored.length} of ${perFile.length} per-file tests mirror a source path ` +
    `(${all.length} test files, ${whole.length} whole-system)`,
);
if (check && unmirrored.length > 0) process.exit(1);
