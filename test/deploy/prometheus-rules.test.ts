import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { headingAnchors } from './lib/markdown.js';
import { readObjects } from './lib/manifests.js';
import { closedSetMatchers, isAllowedMetric, LABEL_VALUES, metricNamesIn } from './lib/metric-names.js';
import { readRuleGroups, recordingRuleNames, RULE_TESTS_DIR, RULES_FILE, type Rule, type RuleGroup } from './lib/rules.js';
import { REPO, run, shouldRunWith } from './lib/tools.js';

const runPromtool = await shouldRunWith('promtool', ['--version'], 'apt-get install -y prometheus');

type AlertTest = { alertname: string; exp_alerts: unknown[] };
type RuleTestFile = { rule_files: string[]; tests: { alert_rule_test?: AlertTest[] }[] };

let groups: RuleGroup[];
let alerts: Rule[];
let testFiles: string[];
beforeAll(async () => {
  groups = await readRuleGroups();
  alerts = groups.flatMap((g) => g.rules.filter((r) => r.alert));
  testFiles = (await readdir(join(REPO, RULE_TESTS_DIR))).filter((f) => f.endsWith('.yml')).map((f) => join(RULE_TESTS_DIR, f));
});

describe('alert rules', () => {
  it('are the same in the rules file and in the PrometheusRule', async () => {
    const [rule] = await readObjects('deploy/kubernetes/components/monitoring/prometheusrule.yaml');
    expect(
      (rule?.spec as { groups?: unknown } | undefined)?.groups,
      'run: node deploy/prometheus/sync-prometheusrule.mjs',
    ).toEqual(groups);
  });

  it('cover the SLO burn rates, the queue, dead letters, providers, missing workers, delivery receipts and SMS pumping', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'OtpChannelDown',
      'OtpDeadLettersGrowing',
      'OtpDeliveryErrorBudgetBurnFast',
      'OtpDeliveryErrorBudgetBurnSlow',
      'OtpDeliveryRateLow',
      'OtpIngestDown',
      'OtpNoWorkerUp',
      'OtpPrefixBlocked',
      'OtpProviderDown',
      'OtpProviderFailing',
      'OtpQueueOldestWaitingTooOld',
      'OtpReceiptsForged',
      'OtpReceiptsMissing',
      'OtpSmsConversionLow',
      'OtpSmsCountrySurge',
    ]);
    const records = [...recordingRuleNames(groups)];
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) expect(records).toContain(`otp:messages_delivered:ratio_rate${window}`);
  });

  it('each carry a severity, a summary, a description and a runbook link to its section of docs/operations.md', async () => {
    const anchors = headingAnchors(await readFile(join(REPO, 'docs/operations.md'), 'utf8'));
    for (const alert of alerts) {
      const name = alert.alert ?? '';
      expect(['critical', 'warning'], name).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary, name).toMatch(/\w/);
      expect(alert.annotations?.description, name).toMatch(/\w/);
      const anchor = /\/docs\/operations\.md#([\w-]+)$/.exec(alert.annotations?.runbook_url ?? '')?.[1];
      expect(anchor, `${name} runbook_url`).toBe(name.toLowerCase());
      expect(anchors.has(anchor ?? ''), `docs/operations.md has no heading for #${anchor}`).toBe(true);
    }
  });

  it('only use SPEC §6, §8 and §12 metrics, our recording rules, process/nodejs defaults and up', () => {
    const recorded = recordingRuleNames(groups);
    for (const rule of groups.flatMap((g) => g.rules)) {
      const names = metricNamesIn(rule.expr);
      expect(names.length, rule.expr).toBeGreaterThan(0);
      for (const name of names) expect(isAllowedMetric(name, recorded), `${name} in ${rule.alert ?? rule.record}`).toBe(true);
      for (const { label, values } of closedSetMatchers(rule.expr)) {
        for (const value of values) expect(LABEL_VALUES[label]?.has(value), `${label}="${value}" in ${rule.alert ?? rule.record}`).toBe(true);
      }
    }
  });

  it('are each shown firing and quiet by a promtool unit test', async () => {
    const cases = (
      await Promise.all(testFiles.map(async (f) => parse(await readFile(join(REPO, f), 'utf8')) as RuleTestFile))
    ).flatMap((file) => file.tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert.alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert.alert} never fires in a test`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert.alert} is never shown quiet`).toBe(true);
    }
    for (const c of cases) expect(alerts.map((a) => a.alert), 'test of an unknown alert').toContain(c.alertname);
  });
});

describe.skipIf(!runPromtool)('promtool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otp-rules-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks the rules file and the PrometheusRule groups', async () => {
    const [rule] = await readObjects('deploy/kubernetes/components/monitoring/prometheusrule.yaml');
    const extracted = join(dir, 'prometheusrule.rules.yml');
    await writeFile(extracted, stringify({ groups: (rule?.spec as { groups: unknown }).groups }));
    const { stdout } = await run('promtool', ['check', 'rules', join(REPO, RULES_FILE), extracted]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found[\s\S]*SUCCESS: \d+ rules found/);
  });

  // promtool evaluates every rule at each minute of each case: 9 s on an idle 2-core host, over 30 s
  // beside the rest of the suite.
  it('passes the rule unit tests', { timeout: 120_000 }, async () => {
    expect(testFiles.length).toBeGreaterThan(0);
    const { stdout } = await run('promtool', ['test', 'rules', ...testFiles.map((f) => join(REPO, f))], { cwd: REPO, timeout: 110_000 });
    expect(stdout).toContain('SUCCESS');
  });

  it('accepts the compose prometheus.yml', async () => {
    const { stdout } = await run('promtool', ['check', 'config', join(REPO, 'deploy/prometheus/prometheus.yml')]);
    expect(stdout).toContain('is valid prometheus config file syntax');
  });
});
