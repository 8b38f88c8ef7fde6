/**
 * The sent marker of message `id` (written by the worker after a provider accepted it, read before
 * any resend and by `dlq replay`). Under the queue's prefix, so it shares the queue's Cluster slot.
 */
export const sentMarkerKey = (prefix: string, id: string): string => `${prefix}:sent:${id}`;
