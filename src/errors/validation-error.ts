import type { z } from 'zod';
import { errorGuard, OtpCourierError } from './base.js';

export type ValidationIssue = { path: string; message: string };

/** Bad input from outside (producer call, HTTP body, config). Names the fields; never echoes values. */
export class ValidationError extends OtpCourierError {
  override readonly name = 'ValidationError';
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], what = 'input') {
    super(`invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

export const isValidationError = errorGuard(ValidationError, 'ValidationError');

/** zod issues → `{ path: 'a.b[0].c', message }`, without the rejected values. */
export const toIssues = (error: z.ZodError, prefix: readonly PropertyKey[] = []): ValidationIssue[] =>
  error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: safeMessage(issue) }));

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');

export const clip = (key: string) => (key.length > 40 ? `${key.slice(0, 40)}…` : key);

/** zod's default messages can quote the received value (e.g. invalid enum); keep them generic. */
const safeMessage = (issue: z.core.$ZodIssue): string => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? `required (${issue.expected})` : `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.slice(0, 5).map((k) => `"${clip(k)}"`).join(', ')}${issue.keys.length > 5 ? ', …' : ''}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
};
