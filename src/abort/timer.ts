/**
 * Node's timers hold at most 2³¹−1 ms (about 24.8 days); a longer delay fires after 1 ms. Every
 * timer whose length comes from data (a message's lifetime, a vendor's Retry-After) goes through
 * `clampTimerMs`.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` as a delay Node honours: at least 1, at most MAX_TIMER_MS (NaN counts as the maximum). */
export const clampTimerMs = (ms: number): number => (Number.isNaN(ms) ? MAX_TIMER_MS : Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms))));
