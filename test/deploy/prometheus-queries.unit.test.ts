import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardExpressions, ruleExpressions, samples, withBool } from '../support/prometheus-queries.ts';

test('withBool: comparisons outside label matchers and strings get bool, once', () => {
  assert.equal(withBool('up{job!="kafka"} == 0'), 'up{job!="kafka"} == bool 0');
  assert.equal(withBool('a / (b > 0) > 0.9'), 'a / (b > bool 0) > bool 0.9');
  assert.equal(withBool('x <= 2 and on() y != 3'), 'x <= bool 2 and on() y != bool 3');
  assert.equal(withBool('a{l=~"x|y"} >= bool 1'), 'a{l=~"x|y"} >= bool 1');
  assert.equal(withBool('label_replace(a, "d", ">", "", "")'), 'label_replace(a, "d", ">", "", "")');
});

test('the dashboard and the rules yield their queries; alert expressions are made total', () => {
  assert.ok(dashboardExpressions().length >= 20);
  const rules = ruleExpressions();
  assert.ok(rules.some((r) => r.name === 'bss:events_by_type:rate1m'));
  assert.ok(rules.some((r) => r.name.startsWith('RedisDown') && r.expr === 'redis_up == bool 0'));
});

test('samples reads the exposition format by exact series name', () => {
  const text = '# HELP x\nbss_x_total{a="1"} 3\nbss_x_total 0\nbss_x_total_created 1\n';
  assert.deepEqual(samples(text, 'bss_x_total'), [
    { labels: '{a="1"}', value: 3 },
    { labels: '', value: 0 },
  ]);
});
