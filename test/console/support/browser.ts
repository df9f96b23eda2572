// Debian's chromium driven by playwright-core (installed by scripts/browser.sh, which npm test runs),
// axe-core on each page, and the screenshots docs/console.md embeds: written to a temporary folder,
// and to docs/console/ only with BSS_UPDATE_SCREENSHOTS=1 (so a test run leaves the tree clean).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const CHROMIUM = '/usr/bin/chromium';
const SHOTS =
  process.env['BSS_UPDATE_SCREENSHOTS'] === '1'
    ? fileURLToPath(new URL('../../../docs/console/', import.meta.url))
    : join(tmpdir(), 'bss-console-screenshots');
mkdirSync(SHOTS, { recursive: true });

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** No serious or critical WCAG 2 A/AA violation on the page as it is now. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `${what}: accessibility violations`,
  );
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

// Browser-side steps of the keyboard walk, as source text (this project's TypeScript has no DOM types).
const MARK_CONTROLS = `(() => {
  const seenRadio = new Set();
  const controls = [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea')]
    .filter((el) => {
      if (el.getClientRects().length === 0) return false;
      if (el.type === 'radio') {
        if (seenRadio.has(el.name)) return false;
        seenRadio.add(el.name);
      }
      return true;
    });
  document.querySelectorAll('[data-kw]').forEach((el) => delete el.dataset.kw);
  controls.forEach((el, i) => (el.dataset.kw = String(i)));
  document.activeElement?.blur();
  return controls.length;
})()`;
const describe = (el: string) =>
  `${el}.tagName.toLowerCase() + ' "' + (${el}.textContent || ${el}.getAttribute('aria-label') || ${el}.id).trim().slice(0, 40) + '"'`;
const FOCUSED = `(() => {
  let el = document.activeElement;
  if (el?.type === 'radio') el = document.querySelector('[data-kw][name="' + el.name + '"]');
  if (!el?.dataset?.kw) return null;
  const style = getComputedStyle(el);
  return { kw: el.dataset.kw, name: ${describe('el')}, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
})()`;
const MISSED = (reached: string[]) => `[...document.querySelectorAll('[data-kw]')]
  .filter((el) => !${JSON.stringify(reached)}.includes(el.dataset.kw)).map((el) => ${describe('el')})`;

/**
 * Tab from the top of the page until every visible control (links, buttons, inputs, selects; one
 * radio per group) has had the focus, each with a visible focus indicator (an outline).
 */
export async function assertKeyboardWalk(page: Page, what: string): Promise<void> {
  const total = await page.evaluate<number>(MARK_CONTROLS);
  const reached = new Set<string>();
  const unseen: string[] = [];
  for (let i = 0; i < total * 8 + 10 && reached.size < total; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate<{ kw: string; name: string; outline: boolean } | null>(FOCUSED);
    if (!focus || reached.has(focus.kw)) continue;
    reached.add(focus.kw);
    if (!focus.outline) unseen.push(focus.name);
  }
  assert.ok(total > 0, `${what}: no controls found`);
  assert.deepEqual(await page.evaluate<string[]>(MISSED([...reached])), [], `${what}: controls Tab never reaches`);
  assert.deepEqual(unseen, [], `${what}: focused controls without a visible focus indicator`);
}
