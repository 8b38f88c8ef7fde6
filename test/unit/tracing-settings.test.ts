import { describe, expect, it } from 'vitest';
import { tracingSettings } from '../../src/tracing/settings.js';

const ENDPOINT = 'http://127.0.0.1:4318';

describe('tracingSettings (SPEC §13: the standard OTEL_* variables)', () => {
  it.each([
    ['nothing set', {}, { on: false }],
    ['an empty endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, { on: false }],
    ['only a service name', { OTEL_SERVICE_NAME: 'x' }, { on: false }],
    ['the general endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, { on: true, protocol: 'http/protobuf', serviceName: 'otp-courier-worker' }],
    ['the traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/v1/traces` }, { on: true, protocol: 'http/protobuf', serviceName: 'otp-courier-worker' }],
    ['http/json', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { on: true, protocol: 'http/json', serviceName: 'otp-courier-worker' }],
    ['the traces protocol first', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, { on: true, protocol: 'http/protobuf', serviceName: 'otp-courier-worker' }],
    ['a service name', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SERVICE_NAME: 'auth-otp' }, { on: true, protocol: 'http/protobuf', serviceName: 'auth-otp' }],
    ['OTEL_SDK_DISABLED=true', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'TRUE' }, { on: false, reason: 'OTEL_SDK_DISABLED=true' }],
    ['OTEL_SDK_DISABLED=false', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'false' }, { on: true, protocol: 'http/protobuf', serviceName: 'otp-courier-worker' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }, { on: false, reason: 'OTEL_TRACES_EXPORTER=none' }],
    ['grpc', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, { on: false, reason: 'OTLP protocol "grpc" is not supported (http/protobuf, http/json)' }],
  ])('%s', (_name, env: Record<string, string>, expected) => {
    expect(tracingSettings(env, 'otp-courier-worker')).toEqual(expected);
  });
});
