import type { ScenarioResult } from './common.js';

/** One row per scenario, then its figures; machine-readable lines are printed separately. */
export const table = (results: ScenarioResult[]): string => {
  const lines = ['scenario            result  seconds  figures'];
  for (const r of results) {
    const status = r.skipped ? 'SKIP' : r.ok ? 'PASS' : 'FAIL';
    const figures = r.skipped ? r.skipped : Object.entries(r.figures).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(`${r.scenario.padEnd(20)}${status.padEnd(8)}${String(r.seconds).padStart(7)}  ${figures}`);
    for (const f of r.failures) lines.push(`${''.padEnd(36)}! ${f}`);
  }
  return lines.join('\n');
};

export const jsonLine = (r: ScenarioResult): string => JSON.stringify({ chaos: r.scenario, ...r });
