// The console's first load stays under 300 KB of compressed JavaScript (the built console/dist, which
// `npm install` builds): every script index.html loads, and what they import, gzip-compressed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const DIST = new URL('../../console/dist/', import.meta.url);

test('first-load JavaScript of the console < 300 KB gzip-compressed', () => {
  const html = readFileSync(new URL('index.html', DIST), 'utf8');
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    assert.match(tag, /\bsrc=/, 'no inline script (the service’s CSP forbids them)');
  }
  const scripts = readdirSync(new URL('assets/', DIST)).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length > 0, 'the console is built');
  const bytes = scripts.reduce((sum, f) => sum + gzipSync(readFileSync(new URL(`assets/${f}`, DIST))).length, 0);
  assert.ok(bytes < 300 * 1024, `${(bytes / 1024).toFixed(1)} KB`);
});
