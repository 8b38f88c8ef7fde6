import { DeliveryError } from '../../errors/delivery-error.js';
import type { HttpResponse } from './client.js';
import { parseRetryAfterMs } from './retry-after.js';
import type { Rule, RuleContext, Rules } from './rules.js';

/** A vendor's non-2xx reply, as its errors.ts reads it. The body is parsed for codes, never copied. */
export type HttpFailure = Pick<HttpResponse, 'status' | 'headers' | 'body'>;

export type StatusContext = {
  provider: string;
  status: number;
  headers?: HttpResponse['headers'] | undefined;
  /** The vendor's own error code, when the body has one; defaults to `http_<status>`. */
  code?: string | undefined;
};

/**
 * The default mapping of an HTTP failure status:
 * 429 → rate-limited (honouring `Retry-After`); 408, 425, 5xx → retryable;
 * 401/403 → permanent, about the connector (credentials); other 4xx → permanent, about the message.
 */
export const classifyHttpStatus = ({ provider, status, headers, code }: StatusContext): DeliveryError => {
  const vendorCode = code ?? `http_${status}`;
  const retryAfterMs = parseRetryAfterMs(headers?.['retry-after']);
  if (status === 429) {
    return new DeliveryError({ kind: 'rate_limited', provider, code: vendorCode, message: 'rate limited by provider', retryAfterMs });
  }
  if (status === 408 || status === 425 || status >= 500) {
    return new DeliveryError({ kind: 'retryable', provider, code: vendorCode, message: `provider unavailable (HTTP ${status})`, retryAfterMs });
  }
  if (status === 401 || status === 403) {
    return new DeliveryError({ kind: 'permanent', provider, code: vendorCode, message: `provider rejected credentials (HTTP ${status})`, scope: 'connector' });
  }
  return new DeliveryError({ kind: 'permanent', provider, code: vendorCode, message: `provider rejected request (HTTP ${status})` });
};

/** What a vendor's errors.ts hands the kit: the status, and the code (and text) it read from the reply. */
export type CodedFailure = StatusContext & {
  /** The vendor's message text, for rules whose wait depends on it. Never copied into the error. */
  text?: string | undefined;
};

/** The error a rule means for `code`. A permanent rule never waits; the others wait as the rule says. */
export const ruleError = (provider: string, code: string, rule: Rule, ctx: RuleContext): DeliveryError => {
  const wait = rule.retryAfterMs;
  const retryAfterMs =
    rule.kind === 'permanent' ? undefined : wait === undefined ? parseRetryAfterMs(ctx.headers?.['retry-after'], ctx.now) : typeof wait === 'number' ? wait : wait(ctx);
  return new DeliveryError({ kind: rule.kind, provider, code, message: rule.message, scope: rule.scope, retryAfterMs });
};

/**
 * The one path from a vendor's failure to a `DeliveryError`: the vendor's code, looked up in its
 * rules, decides; a code the rules do not know, or no code at all, leaves it to the HTTP status
 * (`classifyHttpStatus`), the code kept. Waits come from the rule, else the reply's `Retry-After`.
 */
export const classifyFailure = (rules: Rules, failure: CodedFailure, now = Date.now()): DeliveryError => {
  const { provider, code } = failure;
  const rule = code === undefined ? undefined : rules.get(code);
  if (code === undefined || rule === undefined) return classifyHttpStatus(failure);
  return ruleError(provider, code, rule, { now, text: failure.text ?? '', headers: failure.headers });
};
