import type { z } from 'zod';

/** A vendor body as JSON, or undefined when it is not JSON (proxies answer with HTML). */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** A vendor body validated by `schema`, or undefined when it is not JSON or does not match. */
export const parseJsonAs = <S extends z.ZodType>(schema: S, text: string): z.output<S> | undefined => {
  const value = parseJson(text);
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/** `Authorization: Basic …` value for a user and password (either may be empty). */
export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
