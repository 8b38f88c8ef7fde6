/** SPEC §8: receipts are matched for a message's lifetime plus this long. */
export const DEFAULT_RECEIPT_WINDOW_SECONDS = 86_400;
/** The longest a bounced address may be suppressed (30 days). */
export const MAX_SUPPRESS_SECONDS = 30 * 86_400;
