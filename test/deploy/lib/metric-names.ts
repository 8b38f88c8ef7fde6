/** SPEC §6, the delivery receipts of §8 and the abuse limits of §12: the only application metric names (and the histograms' series). */
export const SPEC_METRICS = new Set([
  'otp_messages_enqueued_total',
  'otp_messages_total',
  'otp_delivery_attempts_total',
  'otp_delivery_attempt_duration_seconds',
  'otp_end_to_end_seconds',
  'otp_queue_jobs',
  'otp_queue_oldest_waiting_age_seconds',
  'otp_dead_letter_jobs',
  'otp_provider_up',
  // §8 delivery receipts: all from the ingest but otp_receipts_missing_total (the worker).
  'otp_receipts_total',
  'otp_receipt_latency_seconds',
  'otp_receipts_rejected_total',
  'otp_receipt_failovers_total',
  'otp_receipts_missing_total',
  'otp_receipts_by_country_total',
  // §12 abuse limits and conversions: from the producers (the ingest); otp_prefix_blocks_total is ours (README).
  'otp_limited_total',
  'otp_sends_by_country_total',
  'otp_conversions_total',
  'otp_prefix_blocks_total',
]);

const HISTOGRAMS = ['otp_delivery_attempt_duration_seconds', 'otp_end_to_end_seconds', 'otp_receipt_latency_seconds'];
const HISTOGRAM_SERIES = new Set(HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]));

/** SPEC §6 label values that form closed sets: a typo in a matcher selects nothing, silently. */
export const LABEL_VALUES: Record<string, ReadonlySet<string>> = {
  result: new Set(['delivered', 'expired', 'dead_lettered']),
  outcome: new Set(['success', 'retryable_error', 'permanent_error', 'rate_limited']),
  state: new Set(['waiting', 'active', 'delayed', 'failed']),
  channel: new Set(['email', 'sms']),
  status: new Set(['delivered', 'undelivered', 'complained', 'deferred']),
  reason: new Set(['signature', 'unknown_message', 'malformed']),
  mode: new Set(['enforce', 'observe']),
  limit: new Set(['recipient', 'ip', 'prefix', 'country', 'conversion']),
};

/** A SPEC metric, a recording rule of ours, prom-client's process_/nodejs_ defaults, or `up`. */
export const isAllowedMetric = (name: string, recordingRules: ReadonlySet<string>): boolean =>
  SPEC_METRICS.has(name) ||
  HISTOGRAM_SERIES.has(name) ||
  recordingRules.has(name) ||
  /^(process|nodejs)_[a-z0-9_]+$/.test(name) ||
  name === 'up';

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Good enough for our own expressions: strings,
 * label matchers, ranges, grouping clauses and Grafana variables are removed first; what is left
 * that is an identifier and not a function call or keyword is a metric name.
 */
export const metricNamesIn = (expr: string): string[] => {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = stripped[match.index - 1] ?? ' ';
    const after = stripped.slice(match.index + match[0].length).trimStart();
    if (/[0-9.]/.test(before) || after.startsWith('(') || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
};

/** `label op "value"` matchers inside `{...}`, for the closed-set labels of LABEL_VALUES. */
export const closedSetMatchers = (expr: string): { label: string; values: string[] }[] => {
  const found: { label: string; values: string[] }[] = [];
  for (const selector of expr.matchAll(/\{([^}]*)\}/g)) {
    for (const m of (selector[1] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      const [, label = '', op = '', value = ''] = m;
      if (!(label in LABEL_VALUES)) continue;
      const values = op.endsWith('~') ? value.split('|') : [value];
      found.push({ label, values });
    }
  }
  return found;
};
