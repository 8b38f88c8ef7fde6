import type { Telemetry } from 'bullmq';
import type { Logger } from 'pino';
import { tracingSettings, type OtlpProtocol } from './settings.js';

/** A started OpenTelemetry SDK: BullMQ's telemetry for the queues, and the flush on close. */
export type Tracing = {
  /** `bullmq-otel`'s BullMQ telemetry: pass it as `telemetry` to every Queue and Worker. */
  readonly telemetry: Telemetry;
  /** Ends the SDK: exports the spans still buffered. Not bounded here; the caller bounds it. */
  shutdown(): Promise<void>;
};

/** The trace exporter for `protocol`; each reads its endpoint, headers and timeout from `OTEL_EXPORTER_OTLP_*`. */
const traceExporter = async (protocol: OtlpProtocol) =>
  protocol === 'http/json' ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter() : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();

/**
 * Starts the OpenTelemetry Node SDK when the `OTEL_*` variables ask for traces (see
 * `tracingSettings`); undefined otherwise. The SDK, the exporters and `bullmq-otel` are imported
 * here, dynamically: a process without an OTLP endpoint never loads them, and the spans the code
 * starts go to the API's no-op tracer. Only traces: the SDK's metrics and logs pipelines are
 * switched off (metrics are Prometheus's, logs are pino's). Called once, by a process's `main`.
 */
export const startTracing = async (env: Readonly<Record<string, string | undefined>>, defaultServiceName: string, logger: Logger): Promise<Tracing | undefined> => {
  const settings = tracingSettings(env, defaultServiceName);
  if (!settings.on) {
    if (settings.reason) logger.warn(`tracing off: ${settings.reason}`);
    return undefined;
  }
  const [{ NodeSDK }, { BullMQOtel }, exporter] = await Promise.all([import('@opentelemetry/sdk-node'), import('bullmq-otel'), traceExporter(settings.protocol)]);
  // The batch processor takes OTEL_BSP_* (schedule delay, queue size) from the environment.
  const sdk = new NodeSDK({ serviceName: settings.serviceName, traceExporter: exporter, metricReaders: [], logRecordProcessors: [] });
  sdk.start();
  logger.info({ serviceName: settings.serviceName, protocol: settings.protocol }, 'tracing on: spans exported over OTLP');
  return { telemetry: new BullMQOtel({ tracerName: 'bullmq' }), shutdown: () => sdk.shutdown() };
};
