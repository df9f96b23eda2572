// Reporting: one Markdown table for stdout and the results page, a JSON file per run, and a generated
// section of a hand-written results page (bench/results/*.md) that a new run replaces in place.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { REPO } from './machine.ts';

export const RESULTS_DIR = `${REPO}bench/results`;

export type Cell = string | number | undefined;

/** Thousands separated, no decimals: events/s. */
export const rate = (n: number | undefined): string =>
  n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US');

/** Milliseconds, 2 significant decimals below 10 ms. */
export const ms = (n: number | undefined): string =>
  n === undefined || Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1);

/** A Markdown table whose columns line up in a terminal too. Numbers right-aligned. */
export function markdownTable(columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, Cell>>>): string {
  const text = (cell: Cell): string => (cell === undefined ? '' : String(cell));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => text(row[column]).length)));
  const numeric = columns.map((column) => rows.some((row) => /^[\d,.–%/ -]+$/.test(text(row[column]))));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((column, i) => column.padEnd(widths[i] as number))),
    line(widths.map((width, i) => (numeric[i] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)))),
    ...rows.map((row) =>
      line(
        columns.map((column, i) =>
          numeric[i] ? text(row[column]).padStart(widths[i] as number) : text(row[column]).padEnd(widths[i] as number),
        ),
      ),
    ),
  ].join('\n');
}

/** Writes bench/results/<name>-<YYYY-MM-DD>.json; returns its path. */
export function writeJsonResult(name: string, payload: unknown, date = new Date()): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}/${name}-${date.toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

/**
 * Replaces the text between `<!-- <section>:start -->` and `<!-- <section>:end -->` in a results page
 * (appending the section when the page lacks it), so a run refreshes its numbers and keeps the prose.
 */
export function replaceSection(file: string, section: string, content: string): void {
  const start = `<!-- ${section}:start -->`;
  const end = `<!-- ${section}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  const page = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  const updated =
    from >= 0 && to > from
      ? page.slice(0, from) + block + page.slice(to + end.length)
      : `${page.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, updated.trimStart());
}
