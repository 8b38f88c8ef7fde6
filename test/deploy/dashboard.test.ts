import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedSetMatchers, isAllowedMetric, LABEL_VALUES, metricNamesIn } from './lib/metric-names.js';
import { readRuleGroups, recordingRuleNames } from './lib/rules.js';
import { REPO } from './lib/tools.js';

type Datasource = { type?: string; uid?: string };
type Target = { expr: string; datasource?: Datasource; refId: string };
type Panel = {
  id: number;
  collapsed?: boolean;
  panels?: unknown[];
  type: string;
  title?: string;
  description?: string;
  datasource?: Datasource;
  targets?: Target[];
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps: { value: number | null }[] } } };
};
type Variable = {
  name: string;
  type: string;
  label?: string;
  query?: unknown;
  datasource?: Datasource;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  refresh?: number;
};
type Dashboard = { id: unknown; uid: string; title: string; schemaVersion: number; panels: Panel[]; templating: { list: Variable[] } };

/** Grafana unit ids this dashboard may use (all exist in Grafana's unit registry). */
const UNITS = new Set(['s', 'ms', 'percentunit', 'ops', 'reqps', 'short', 'bytes', 'none']);
const TEMPLATED = { type: 'prometheus', uid: '${datasource}' };

let dashboard: Dashboard;
/** The panels that draw something: every panel but the (expanded, empty) row headers. */
let charts: Panel[];
let targets: { panel: Panel; target: Target }[];
beforeAll(async () => {
  dashboard = JSON.parse(await readFile(join(REPO, 'deploy/grafana/otp-courier.json'), 'utf8')) as Dashboard;
  charts = dashboard.panels.filter((p) => p.type !== 'row');
  targets = charts.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
});

describe('the Grafana dashboard', () => {
  it('is an importable classic dashboard', () => {
    expect(dashboard.id).toBeNull();
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{8,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.schemaVersion).toBeLessThanOrEqual(42);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(['timeseries', 'stat', 'row'], panel.title).toContain(panel.type);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });

  it('has only expanded, full-width row headers that hold no panels or queries themselves', () => {
    for (const row of dashboard.panels.filter((p) => p.type === 'row')) {
      expect(row.title, `row ${row.id}`).toMatch(/\w/);
      expect(row).toMatchObject({ collapsed: false, panels: [], gridPos: { x: 0, w: 24, h: 1 } });
      expect(row.targets, row.title).toBeUndefined();
    }
  });

  it('has one datasource variable named datasource, labelled "Data Source", of Prometheus type', () => {
    const sources = dashboard.templating.list.filter((v) => v.type === 'datasource');
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ name: 'datasource', label: 'Data Source', query: 'prometheus' });
  });

  it('has multi-select namespace, job and instance variables queried through $datasource', () => {
    for (const name of ['namespace', 'job', 'instance']) {
      const variable = dashboard.templating.list.find((v) => v.name === name);
      expect(variable, name).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.+', datasource: TEMPLATED, refresh: 2 });
      expect(String(variable?.query), name).toMatch(/^label_values\(up\{.*\}, \w+\)$/);
    }
  });

  it('uses the templated datasource on every panel and query', () => {
    for (const panel of charts) expect(panel.datasource, panel.title).toEqual(TEMPLATED);
    for (const { panel, target } of targets) expect(target.datasource, `${panel.title} ${target.refId}`).toEqual(TEMPLATED);
  });

  it('gives every panel a title, a description, a unit and at least one query', () => {
    for (const panel of charts) {
      expect(panel.title, `panel ${panel.id}`).toMatch(/\w/);
      expect(panel.description, panel.title).toMatch(/\w{3}/);
      expect(UNITS, `${panel.title}: unit ${panel.fieldConfig?.defaults?.unit}`).toContain(panel.fieldConfig?.defaults?.unit);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('uses $__rate_interval in every rate/irate/increase and filters every selector by namespace, job and instance', () => {
    for (const { panel, target } of targets) {
      for (const range of target.expr.matchAll(/\b(?:rate|irate|increase)\s*\([^[]*\[([^\]]*)\]/g)) {
        expect(range[1], `${panel.title}: ${target.expr}`).toBe('$__rate_interval');
      }
      for (const selector of target.expr.matchAll(/\{([^}]*)\}/g)) {
        for (const label of ['namespace', 'job', 'instance']) {
          expect(selector[1], `${panel.title}: ${label}`).toContain(`${label}=~"$${label}"`);
        }
      }
    }
  });

  it('only queries SPEC §6 metrics, our recording rules, process/nodejs defaults and up', async () => {
    const recorded = recordingRuleNames(await readRuleGroups());
    const queries = [
      ...targets.map(({ panel, target }) => ({ where: panel.title ?? '', expr: target.expr })),
      ...dashboard.templating.list
        .filter((v) => v.type === 'query')
        .map((v) => ({ where: `$${v.name}`, expr: /^label_values\((.*),\s*\w+\)$/.exec(String(v.query))?.[1] ?? '' })),
    ];
    const used = new Set<string>();
    for (const { where, expr } of queries) {
      const names = metricNamesIn(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        used.add(name);
        expect(isAllowedMetric(name, recorded), `${where}: ${name}`).toBe(true);
      }
      for (const { label, values } of closedSetMatchers(expr)) {
        for (const value of values) expect(LABEL_VALUES[label]?.has(value), `${where}: ${label}="${value}"`).toBe(true);
      }
    }
    for (const required of [
      'otp_messages_total', 'otp_delivery_attempts_total', 'otp_end_to_end_seconds_bucket', 'otp_queue_jobs', 'otp_queue_oldest_waiting_age_seconds', 'otp_dead_letter_jobs', 'otp_provider_up',
      'otp_receipts_total', 'otp_receipt_latency_seconds_bucket', 'otp_receipts_rejected_total', 'otp_receipt_failovers_total', 'otp_receipts_missing_total', 'otp_receipts_by_country_total',
    ]) {
      expect(used, required).toContain(required);
    }
  });

  it('draws the oldest waiting age against half the OTP lifetime and the lifetime', () => {
    const age = dashboard.panels.filter((p) => p.targets?.some((t) => t.expr.includes('otp_queue_oldest_waiting_age_seconds')));
    expect(age.length).toBeGreaterThan(0);
    for (const panel of age) {
      expect(panel.fieldConfig?.defaults?.unit).toBe('s');
      expect(panel.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value)).toEqual([null, 300, 600]);
    }
  });

  it('draws the receipt alerts\' thresholds: 80 % delivered (OtpDeliveryRateLow), 50 % without a receipt (OtpReceiptsMissing)', () => {
    for (const [metric, step] of [['otp_receipts_total', 0.8], ['otp_receipts_missing_total', 0.5]] as const) {
      const panels = dashboard.panels.filter((p) => p.targets?.some((t) => metricNamesIn(t.expr)[0] === metric));
      expect(panels.length, metric).toBeGreaterThan(0);
      for (const panel of panels) {
        expect(panel.fieldConfig?.defaults?.unit, panel.title).toBe('percentunit');
        expect(panel.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value), panel.title).toEqual([null, step]);
      }
    }
  });
});

describe('metricNamesIn', () => {
  it.each([
    ['sum by (le, channel) (rate(otp_end_to_end_seconds_bucket{job=~"$job"}[$__rate_interval]))', ['otp_end_to_end_seconds_bucket']],
    ['1 - otp:messages_delivered:ratio_rate1h > (14.4 * 0.005)', ['otp:messages_delivered:ratio_rate1h']],
    ['a and on (namespace) absent(up{job="x"}) or b offset 5m', ['a', 'up', 'b']],
    ['count(x{s="a{b}"} == 0) * $concurrency', ['x']],
  ])('%s', (expr, expected) => {
    expect(metricNamesIn(expr)).toEqual(expected);
  });
});
