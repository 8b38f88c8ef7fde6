/** Mainland China time is UTC+8 all year (no daylight saving). */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Milliseconds until the next midnight in China, when Aliyun's daily quotas reset. */
export const msUntilNextChinaDay = (now: number): number => {
  const local = new Date(now + CHINA_OFFSET_MS);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - CHINA_OFFSET_MS - now;
};

/** Milliseconds until the first day of next month in China, when monthly quotas reset. */
export const msUntilNextChinaMonth = (now: number): number => {
  const local = new Date(now + CHINA_OFFSET_MS);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - CHINA_OFFSET_MS - now;
};

/**
 * A vendor time written as China wall-clock time without a zone (`2017-01-01 00:00:00`,
 * `2024-04-29T11:07:12`: Tencent's and Aliyun's receipts) as ms since the epoch; a time with a
 * zone is read as written. Undefined when unreadable.
 */
export const chinaWallTime = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const wall = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)$/.exec(value.trim());
  const ms = Date.parse(wall ? `${wall[1]}T${wall[2]}+08:00` : value);
  return Number.isNaN(ms) ? undefined : ms;
};
