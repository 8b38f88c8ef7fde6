/** What a scenario hands back: a table for people, one JSON object for machines. */
export type ScenarioReport = {
  scenario: string;
  title: string;
  columns: readonly string[];
  rows: readonly (readonly (string | number | boolean | undefined)[])[];
  /** Figures for the JSON line; `scenario` is added by the harness. */
  figures: Record<string, unknown>;
  /** One line per target of the issue: what it is, the measured value, whether it is met. */
  targets: readonly Target[];
  notes?: readonly string[];
};

export type Target = { name: string; goal: string; measured: string; met: boolean };

const cell = (v: string | number | boolean | undefined): string =>
  v === undefined ? '-' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '-') : String(v);

/** A plain-text table, columns padded to their widest cell. */
export const formatTable = (report: ScenarioReport): string => {
  const rows = [report.columns.map(String), ...report.rows.map((r) => r.map(cell))];
  const widths = report.columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [`== ${report.title}`, line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  for (const t of report.targets) out.push(`target ${t.met ? 'MET' : 'MISSED'}: ${t.name}: ${t.goal}; measured ${t.measured}`);
  for (const n of report.notes ?? []) out.push(`note: ${n}`);
  return out.join('\n');
};

export const jsonLine = (report: ScenarioReport): string =>
  JSON.stringify({ scenario: report.scenario, ...report.figures, targets: report.targets });
