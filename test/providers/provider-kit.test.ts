import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/providers/http/classify.js';
import { codeTable, connector, families, firstOf, message, NO_WAIT, otherwise, retry, throttled } from '../../src/providers/http/rules.js';

const provider = 'kit-test';
const now = Date.UTC(2026, 0, 1);

const RULES = firstOf(
  codeTable({
    BAD_NUMBER: message('recipient rejected'),
    BAD_KEY: connector('credentials rejected'),
    DOWN: retry('vendor down'),
    DOWN_QUIET: retry('vendor down', NO_WAIT),
    SLOW: throttled('slow down', 1_000),
    PER_NUMBER: throttled('per-number limit', ({ text }) => (text.includes('hour') ? 3_600_000 : 60_000), 'message'),
  }),
  families([['Auth.', connector('credentials rejected')]]),
);

// The kit's one path: the vendor's code first, then the HTTP status; a rule's own wait, else Retry-After.
describe('classifyFailure', () => {
  it.each([
    ['BAD_NUMBER', 400, {}, '', { kind: 'permanent', scope: 'message', code: 'BAD_NUMBER', retryAfterMs: undefined }],
    ['BAD_NUMBER', 400, { 'retry-after': '9' }, '', { kind: 'permanent', scope: 'message', code: 'BAD_NUMBER', retryAfterMs: undefined }],
    ['BAD_KEY', 401, {}, '', { kind: 'permanent', scope: 'connector', code: 'BAD_KEY', retryAfterMs: undefined }],
    ['Auth.Expired', 400, {}, '', { kind: 'permanent', scope: 'connector', code: 'Auth.Expired', retryAfterMs: undefined }],
    ['DOWN', 503, { 'retry-after': '7' }, '', { kind: 'retryable', scope: 'connector', code: 'DOWN', retryAfterMs: 7_000 }],
    ['DOWN_QUIET', 503, { 'retry-after': '7' }, '', { kind: 'retryable', scope: 'connector', code: 'DOWN_QUIET', retryAfterMs: undefined }],
    ['SLOW', 429, { 'retry-after': '7' }, '', { kind: 'rate_limited', scope: 'connector', code: 'SLOW', retryAfterMs: 1_000 }],
    ['PER_NUMBER', 200, {}, 'one an hour', { kind: 'rate_limited', scope: 'message', code: 'PER_NUMBER', retryAfterMs: 3_600_000 }],
    ['PER_NUMBER', 200, {}, 'one a minute', { kind: 'rate_limited', scope: 'message', code: 'PER_NUMBER', retryAfterMs: 60_000 }],
    // Unknown codes, or none: the status decides, the code kept.
    ['constructor', 400, {}, '', { kind: 'permanent', scope: 'message', code: 'constructor', retryAfterMs: undefined }],
    ['NEW_CODE', 502, { 'retry-after': '3' }, '', { kind: 'retryable', scope: 'connector', code: 'NEW_CODE', retryAfterMs: 3_000 }],
    [undefined, 403, {}, '', { kind: 'permanent', scope: 'connector', code: 'http_403', retryAfterMs: undefined }],
    [undefined, 429, { 'retry-after': '2' }, '', { kind: 'rate_limited', scope: 'connector', code: 'http_429', retryAfterMs: 2_000 }],
  ] as const)('%s with HTTP %i %j %j → %j', (code, status, headers, text, expected) => {
    const error = classifyFailure(RULES, { provider, status, headers, code, text }, now);
    expect({ kind: error.kind, scope: error.scope, code: error.code, retryAfterMs: error.retryAfterMs }).toEqual(expected);
    expect(error.provider).toBe(provider);
  });

  it('takes a rule from the first source that knows the code; otherwise() answers the rest', () => {
    const rules = firstOf(codeTable({ A: retry('a') }), families([['A', connector('family')]]), otherwise(message('unknown')));
    expect(rules.get('A')?.message).toBe('a');
    expect(rules.get('AB')?.message).toBe('family');
    expect(rules.get('toString')?.message).toBe('unknown');
  });
});
