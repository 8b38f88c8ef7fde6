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
