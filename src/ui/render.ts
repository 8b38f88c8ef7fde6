import type { ConnectorView, DeadLettersView, QueueView, UiState } from './state.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values: every value the page shows goes through it. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** `93` → `1m 33s`; the largest two units. */
export const formatAge = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const parts: [number, string][] = [[Math.floor(s / 86_400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  return first === -1 ? '0s' : parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(' ');
};

const table = (caption: string, head: readonly string[], rows: readonly (readonly unknown[])[], empty: string): string => {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.length ? rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n') : `<tr><td colspan="${head.length}">${escapeHtml(empty)}</td></tr>`;
  return `<table>\n<caption>${escapeHtml(caption)}</caption>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
};

const queuesTable = (queues: readonly QueueView[]): string =>
  table('Queues: jobs by state', ['queue', 'waiting', 'active', 'delayed', 'failed', 'oldest waiting'], queues.map((q) => [q.name, q.waiting, q.active, q.delayed, q.failed, formatAge(q.oldestWaitingAgeSeconds)]), 'no queue');

const deadTable = (dead: DeadLettersView, now: number): string => {
  const note = dead.grouped < dead.total ? ` (grouped: ${dead.grouped} of ${dead.total}, the oldest first)` : '';
  const rows = dead.groups.map((g) => [g.reason, g.provider ?? '—', g.count, formatAge((now - g.oldestFailedAt) / 1000)]);
  return table(`Dead letters in ${dead.queue}: ${dead.total}${note}`, ['reason', 'provider', 'count', 'oldest'], rows, 'none');
};

const connectorState = (c: ConnectorView): string => (c.open ? 'circuit open' : 'circuit closed') + (c.pausedForMs > 0 ? `, paused ${formatAge(c.pausedForMs / 1000)} more` : '');

const connectorsTable = (connectors: readonly ConnectorView[]): string =>
  table('Connectors: circuit state and vendor pauses (shared by every worker)', ['channel', 'connector', 'provider', 'role', 'state'], connectors.map((c) => [c.channel, c.name, c.provider, c.role, connectorState(c)]), 'no connector configured');

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}h1{font-size:1.3rem}table{border-collapse:collapse;margin:0 0 1.5rem;min-width:32rem}caption{text-align:left;font-weight:600;padding:.3rem 0}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}th{background:#f3f3f3}td:nth-child(n+2){font-variant-numeric:tabular-nums}footer{color:#666;font-size:.85rem}`;

/** The whole page, rendered on the server: no script, refreshed by the browser every `refreshSeconds`. */
export const renderPage = (state: UiState, refreshSeconds = 15): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${escapeHtml(refreshSeconds)}">
<title>otp-courier</title>
<style>${STYLE}</style>
</head>
<body>
<h1>otp-courier: queue and dead letters</h1>
${queuesTable(state.queues)}
${state.deadLetters.map((d) => deadTable(d, state.readAt)).join('\n')}
${connectorsTable(state.connectors)}
<footer>Read ${escapeHtml(new Date(state.readAt).toISOString())}. Read-only; no recipient, code or message body is shown.</footer>
</body>
</html>
`;

/** The page when Redis did not answer in time. */
export const renderUnavailable = (why: string): string =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>otp-courier</title></head><body><h1>otp-courier</h1><p>${escapeHtml(why)}</p></body></html>\n`;
