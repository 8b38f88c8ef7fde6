import { expect } from 'vitest';

type ConfigSchema = {
  parse(input: unknown): unknown;
  safeParse(input: unknown): { success: boolean; error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }> } };
};

/** Each config parses to itself: nothing dropped, renamed or defaulted. */
export const expectParsesUnchanged = (schema: ConfigSchema, ...configs: unknown[]): void => {
  for (const config of configs) expect(schema.parse(config)).toEqual(config);
};

/** The config is rejected, with an issue at exactly `path` among the issues. */
export const expectRejectedAt = (schema: ConfigSchema, config: unknown, path: ReadonlyArray<PropertyKey>): void => {
  const result = schema.safeParse(config);
  expect(result.success).toBe(false);
  expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
};

/** Each config is accepted (parsing may normalise it). */
export const expectAccepted = (schema: ConfigSchema, ...configs: unknown[]): void => {
  for (const config of configs) expect(schema.safeParse(config).success).toBe(true);
};

/** A function giving the dotted paths of a config's issues (`[]` when it is accepted). */
export const issuePaths =
  (schema: ConfigSchema) =>
    (input: unknown): string[] => {
      const r = schema.safeParse(input);
      return r.success ? [] : (r.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
    };
