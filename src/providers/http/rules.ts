import type { DeliveryErrorKind, DeliveryErrorScope } from '../../errors/delivery-error.js';

/** What a rule's wait may read: the clock, the vendor's message text (never copied), the reply's headers. */
export type RuleContext = {
  now: number;
  text: string;
  headers?: Readonly<Record<string, string | string[] | undefined>> | undefined;
};

/**
 * How long a retryable or rate-limited rule waits: a fixed number of milliseconds, or one computed
 * from the context (a quota that resets at midnight in China). Absent: the reply's `Retry-After`.
 */
export type Wait = number | ((ctx: RuleContext) => number | undefined);

/** What one vendor code means: the worker's next step (kind × scope) and a fixed, safe message. */
export type Rule = {
  kind: DeliveryErrorKind;
  scope: DeliveryErrorScope;
  message: string;
  retryAfterMs?: Wait;
};

/** About this message (bad recipient, rejected content): no other connector would do better. */
export const message = (text: string): Rule => ({ kind: 'permanent', scope: 'message', message: text });

/** About the connector (credentials, account, setup): counts against its circuit, fails over. */
export const connector = (text: string): Rule => ({ kind: 'permanent', scope: 'connector', message: text });

/** The vendor failed on its side: try again after `wait` (@default the reply's `Retry-After`). */
export const retry = (text: string, wait?: Wait): Rule => ({ kind: 'retryable', scope: 'connector', message: text, ...(wait === undefined ? {} : { retryAfterMs: wait }) });

/**
 * The vendor throttled us: wait `wait` (@default the reply's `Retry-After`) without spending an
 * attempt. `scope: 'message'` for limits on one recipient, which another connector would not lift.
 */
export const throttled = (text: string, wait?: Wait, scope: DeliveryErrorScope = 'connector'): Rule => ({
  kind: 'rate_limited',
  scope,
  message: text,
  ...(wait === undefined ? {} : { retryAfterMs: wait }),
});

/** For vendors that send no `Retry-After` with their codes: the worker's own backoff decides. */
export const NO_WAIT: Wait = () => undefined;

/** Anything that answers a code with its rule: a `codeTable`, or a chain of them (`firstOf`). */
export type Rules = { get(code: string): Rule | undefined };

/**
 * A vendor's code → rule table, as a `Map`. Vendor codes are outside input: a plain object looked
 * up with `table[code]` answers `constructor`, `__proto__` or `toString` from `Object.prototype`
 * (a function, not a rule), so every code table in src/providers is built with this and read
 * with `.get(code)`.
 */
export const codeTable = <V>(entries: Readonly<Record<string, V>>): ReadonlyMap<string, V> => new Map(Object.entries(entries));

/** No vendor code decides: the HTTP status does. */
export const NO_RULES: Rules = { get: () => undefined };

/** The first source that knows the code decides. */
export const firstOf = (...sources: readonly Rules[]): Rules => ({
  get(code) {
    for (const source of sources) {
      const rule = source.get(code);
      if (rule !== undefined) return rule;
    }
    return undefined;
  },
});

/** Code families by prefix (vendors add sub-codes over time): the first prefix the code starts with. */
export const families = (prefixes: ReadonlyArray<readonly [prefix: string, rule: Rule]>): Rules => ({
  get: (code) => prefixes.find(([prefix]) => code.startsWith(prefix))?.[1],
});

/** The rule for every code nothing before it knew (last in a `firstOf`). */
export const otherwise = (rule: Rule): Rules => ({ get: () => rule });
