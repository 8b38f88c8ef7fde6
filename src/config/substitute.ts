import { readFileSync } from 'node:fs';
import { clip, formatPath, type ValidationIssue } from '../errors/validation-error.js';

const PLACEHOLDER = /\$\{(file:)?([^}]+)\}/g;

export type SubstituteOptions = {
  env: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
};

/**
 * Replaces `${NAME}` with env var NAME and `${file:/path}` with that file's trimmed contents in
 * every string of a parsed config tree. Unset variables and unreadable files are reported as
 * issues with the field's path; the values themselves are never echoed.
 */
export const substitute = (tree: unknown, { env, readFile = (p) => readFileSync(p, 'utf8') }: SubstituteOptions) => {
  const issues: ValidationIssue[] = [];
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (match, isFile: string | undefined, name: string) => {
        if (isFile) {
          try {
            return readFile(name.trim()).trim();
          } catch {
            issues.push({ path: formatPath(path), message: `cannot read file referenced by \${file:${clip(name)}}` });
            return match;
          }
        }
        const value = env[name.trim()];
        if (value === undefined) {
          issues.push({ path: formatPath(path), message: `environment variable ${clip(name.trim())} is not set` });
          return match;
        }
        return value;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };
  return { value: walk(tree, []), issues };
};
