// The queries a Prometheus must answer for the BSS: every dashboard panel target and every rule
// expression of deploy/, in a form that returns data whenever their input metrics exist; and a
// reader of the text exposition format for /metrics.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO } from './private-stack.ts';

export interface NamedQuery {
  readonly name: string;
  readonly expr: string;
}

/**
 * An alert expression returns data only while it fires. To prove that its inputs exist, every
 * comparison outside label matchers gets the `bool` modifier: the expression then returns 0/1 for
 * every series it looks at, and an empty result means a missing metric, not a healthy system.
 */
export function withBool(expr: string): string {
  let out = '';
  let braces = 0;
  let quote = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string;
    if (quote) {
      if (c === quote && expr[i - 1] !== '\\') quote = '';
      out += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if (c === '{') braces++;
    if (c === '}') braces--;
    const two = expr.slice(i, i + 2);
    const op = braces === 0 ? (['==', '!=', '>=', '<='].includes(two) ? two : '<>'.includes(c) ? c : '') : '';
    if (op && !/^\s*bool\b/.test(expr.slice(i + op.length))) {
      out += `${op} bool`;
      i += op.length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

export function ruleExpressions(): NamedQuery[] {
  const rulesDir = join(REPO, 'deploy/prometheus/rules');
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => {
      const parsed = parseYaml(readFileSync(join(rulesDir, f), 'utf8')) as {
        groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string; labels?: object }> }>;
      };
      return parsed.groups.flatMap((g) =>
        g.rules.map((r) => ({
          name: r.record ?? `${r.alert ?? '?'} ${JSON.stringify(r.labels ?? {})}`,
          expr: r.alert ? withBool(r.expr) : r.expr,
        })),
      );
    });
}

export function dashboardExpressions(): NamedQuery[] {
  interface Panel {
    title: string;
    targets?: Array<{ expr?: string }>;
    panels?: Panel[];
  }
  const dashboard = JSON.parse(readFileSync(join(REPO, 'deploy/grafana/dashboards/bss-overview.json'), 'utf8')) as {
    panels: Panel[];
  };
  return dashboard.panels
    .flatMap((p) => [p, ...(p.panels ?? [])])
    .flatMap((p) => (p.targets ?? []).map((t) => ({ name: `panel "${p.title}"`, expr: t.expr ?? '' })));
}

/** Samples of one series name in a /metrics text (histograms: ask for name_count). */
export function samples(text: string, name: string): Array<{ labels: string; value: number }> {
  const out = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (match?.[1] === name) out.push({ labels: match[2] ?? '', value: Number(match[3]) });
  }
  return out;
}
