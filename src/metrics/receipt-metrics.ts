import type { Counter, Registry } from 'prom-client';
import { sharedCounter, sharedHistogram } from './once.js';

/** SPEC §8 receipt metrics, exported by the ingest (which takes the vendors' webhooks). */
export type ReceiptMetrics = ReturnType<typeof createReceiptMetrics>;

export const createReceiptMetrics = (registry: Registry) => ({
  receipts: sharedCounter(registry, {
    name: 'otp_receipts_total',
    help: 'Receipts that changed a send\'s status (repeats are not counted), by normalised status.',
    labelNames: ['channel', 'provider', 'status'] as const,
  }),
  latency: sharedHistogram(registry, {
    name: 'otp_receipt_latency_seconds',
    help: 'From acceptance by the provider to its first final receipt.',
    labelNames: ['channel', 'provider'] as const,
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 21_600, 86_400],
  }),
  rejected: sharedCounter(registry, {
    name: 'otp_receipts_rejected_total',
    help: 'Receipt webhooks refused (signature, malformed) or about no message this system knows (unknown_message).',
    labelNames: ['channel', 'provider', 'reason'] as const,
  }),
  failovers: sharedCounter(registry, {
    name: 'otp_receipt_failovers_total',
    help: 'Undelivered messages resent once through the next connector while the code was live.',
    labelNames: ['channel', 'from', 'to'] as const,
  }),
  byCountry: sharedCounter(registry, {
    name: 'otp_receipts_by_country_total',
    help: 'SMS receipts that changed a send\'s status, by the recipient\'s country (ISO 3166 alpha-2, or unknown).',
    labelNames: ['channel', 'country', 'status'] as const,
  }),
});

/** Counted by the worker's sweeper: sends whose receipt window ended without a final receipt. */
export const createMissingReceiptsCounter = (registry: Registry): Counter<'channel' | 'provider'> =>
  sharedCounter(registry, {
    name: 'otp_receipts_missing_total',
    help: 'Sends whose receipt window ended without a final receipt.',
    labelNames: ['channel', 'provider'] as const,
  });
