/**
 * A vendor's code → rule table, as a `Map`. Vendor codes are outside input: a plain object looked
 * up with `table[code]` answers `constructor`, `__proto__` or `toString` from `Object.prototype`
 * (a function, not a rule), so every code table in src/providers is built with this and read
 * with `.get(code)`.
 */
export const codeTable = <V>(entries: Readonly<Record<string, V>>): ReadonlyMap<string, V> => new Map(Object.entries(entries));
