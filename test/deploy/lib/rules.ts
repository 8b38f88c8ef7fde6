import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from './tools.js';

export type Rule = {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
export type RuleGroup = { name: string; interval?: string; rules: Rule[] };

export const RULES_FILE = 'deploy/prometheus/otp-courier.rules.yml';
export const RULE_TESTS_DIR = 'deploy/prometheus/tests';

export const readRuleGroups = async (): Promise<RuleGroup[]> =>
  (parse(await readFile(join(REPO, RULES_FILE), 'utf8')) as { groups: RuleGroup[] }).groups;

export const recordingRuleNames = (groups: RuleGroup[]): Set<string> =>
  new Set(groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
