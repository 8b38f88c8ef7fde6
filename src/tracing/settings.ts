/** The OTLP encodings this build exports with (SPEC §13): protobuf over HTTP, or JSON over HTTP. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type TracingSettings =
  | { on: true; protocol: OtlpProtocol; serviceName: string }
  /** Off: why, for the start-up log (undefined when no `OTEL_*` endpoint is set, the usual case). */
  | { on: false; reason?: string };

const set = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/**
 * What the standard `OTEL_*` variables ask for. Tracing is on only with an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`), and off with
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. The protocol is the traces one, else the
 * general one, @default 'http/protobuf' (the OTLP default for HTTP); `grpc` is not built in.
 * The service name is `OTEL_SERVICE_NAME`, @default `defaultServiceName` (one per process kind).
 */
export const tracingSettings = (env: Readonly<Record<string, string | undefined>>, defaultServiceName: string): TracingSettings => {
  if (!set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && !set(env.OTEL_EXPORTER_OTLP_ENDPOINT)) return { on: false };
  if (set(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return { on: false, reason: 'OTEL_SDK_DISABLED=true' };
  if (set(env.OTEL_TRACES_EXPORTER)?.split(',').some((e) => e.trim() === 'none')) return { on: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  const protocol = set(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? set(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') return { on: false, reason: `OTLP protocol "${protocol}" is not supported (http/protobuf, http/json)` };
  return { on: true, protocol, serviceName: set(env.OTEL_SERVICE_NAME) ?? defaultServiceName };
};
