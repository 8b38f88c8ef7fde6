import type { Payload } from '../messages/types.js';

type Segment = string | { path: readonly string[]; source: string };

/** How substituted values are treated. The template's own text is never touched. */
export type Escaping = 'none' | 'html';

export type CompiledTemplate = {
  readonly source: string;
  /** Dotted variable paths the template uses (`code`, `user.name`). */
  readonly variables: readonly string[];
  render(payload: Payload, escaping: Escaping): string;
};

/** Logto's placeholder syntax: `{{ key }}` or `{{ a.b.c }}`, whitespace tolerated. */
const PLACEHOLDER = /\{\{\s*([\w]+(?:\.[\w]+)*)\s*\}\}/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/**
 * Parses a template once, at start-up. Rendering follows Logto's `replaceSendMessageHandlebars`:
 * a root key absent from the payload leaves the placeholder as written; a present root with a
 * missing or null nested value renders as empty. Strings, numbers and booleans render as text;
 * objects and arrays render as empty (Logto would print "[object Object]").
 */
export const compileTemplate = (source: string): CompiledTemplate => {
  const segments: Segment[] = [];
  const variables = new Set<string>();
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const index = match.index;
    if (index > last) segments.push(source.slice(last, index));
    const dotted = match[1] ?? '';
    variables.add(dotted);
    segments.push({ path: dotted.split('.'), source: match[0] });
    last = index + match[0].length;
  }
  if (last < source.length) segments.push(source.slice(last));

  return {
    source,
    variables: [...variables],
    render(payload, escaping) {
      let out = '';
      for (const segment of segments) {
        if (typeof segment === 'string') {
          out += segment;
          continue;
        }
        const value = lookup(payload, segment.path);
        if (value === ABSENT) out += segment.source;
        else out += escaping === 'html' ? escapeHtml(value) : value;
      }
      return out;
    },
  };
};

const ABSENT = Symbol('absent');

const lookup = (payload: Payload, path: readonly string[]): string | typeof ABSENT => {
  const [root, ...rest] = path;
  if (root === undefined || !Object.hasOwn(payload, root)) return ABSENT;
  let value: unknown = payload[root];
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return '';
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : '';
};

/** Header values (subject, reply-to) lose CR, LF and other control characters: no header injection. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const stripHeaderControls = (value: string): string => value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
