import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { sharedCounter } from './once.js';

/** SPEC §6 metrics a worker exports. Labels never hold recipients, codes, job ids or raw errors. */
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export const createWorkerMetrics = (registry: Registry) => ({
  messages: new Counter({
    name: 'otp_messages_total',
    help: 'Messages that reached a final result.',
    labelNames: ['channel', 'type', 'result'] as const,
    registers: [registry],
  }),
  attempts: new Counter({
    name: 'otp_delivery_attempts_total',
    help: 'Provider send attempts by outcome.',
    labelNames: ['channel', 'provider', 'outcome'] as const,
    registers: [registry],
  }),
  attemptDuration: new Histogram({
    name: 'otp_delivery_attempt_duration_seconds',
    help: 'Duration of one provider send attempt.',
    labelNames: ['channel', 'provider'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  endToEnd: new Histogram({
    name: 'otp_end_to_end_seconds',
    help: 'From enqueue to acceptance by the provider.',
    labelNames: ['channel'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  }),
  unexpectedResponses: new Counter({
    name: 'otp_provider_unexpected_responses_total',
    help: 'Sends the provider answered 2xx with a body the connector did not recognise (counted as accepted, never resent).',
    labelNames: ['provider'] as const,
    registers: [registry],
  }),
  providerUp: new Gauge({
    name: 'otp_provider_up',
    help: '1 while the connector is usable, 0 while its circuit is open.',
    labelNames: ['channel', 'provider'] as const,
    registers: [registry],
  }),
});

/** Where an enqueued message came from: a platform's hook, or `/v1/email`, `/v1/sms` and the library (`api`). */
export const MESSAGE_SOURCES = ['api', 'logto', 'supabase', 'kratos'] as const;
export type MessageSource = (typeof MESSAGE_SOURCES)[number];

/** Exported by the ingest, and by the producer library into a registry the caller passes. */
export const createEnqueuedCounter = (registry: Registry): Counter<'channel' | 'type' | 'source'> =>
  sharedCounter(registry, {
    name: 'otp_messages_enqueued_total',
    help: 'Messages accepted onto the queue, by source (api, supabase, kratos, logto).',
    labelNames: ['channel', 'type', 'source'] as const,
  });
