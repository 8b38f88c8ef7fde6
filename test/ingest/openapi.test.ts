import { Validator } from '@seriousme/openapi-schema-validator';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createIngestServer } from '../../src/ingest/server.js';
import { openApiPath } from '../../src/ingest/openapi.js';
import { INGEST_ROUTE_DOCS } from '../../src/ingest/openapi-routes.js';
import { createReceiptIntake } from '../../src/tracking/intake.js';
import { createReceiptMetrics } from '../../src/metrics/receipt-metrics.js';
import type { Producer } from '../../src/producer/index.js';
import { pino } from 'pino';

/** Routes are what the document is about: a producer is never called here. */
const unusedProducer = {} as Producer;

const server = () => {
  const registry = new Registry();
  const intake = createReceiptIntake({ connectors: [], store: {} as never, metrics: createReceiptMetrics(registry), reactions: [], logger: pino({ level: 'silent' }) });
  return createIngestServer({ producer: unusedProducer, registry, ready: () => true, authorization: ['Bearer t'], bodyLimitBytes: 16_384, receipts: { intake, publicUrl: undefined } });
};

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const app = server();
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const document = res.json<{ openapi: string }>();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    await app.close();
  });

  it('describes every route the ingest serves, and nothing it does not', async () => {
    const app = server();
    // The document lists every registered route: one without a description says "undocumented".
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { summary: string }>> }>();
    const described = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, summary: op.summary })));
    expect(described.filter((d) => d.summary === 'undocumented')).toEqual([]);
    const routes = new Set(described.map((d) => d.key));
    for (const key of INGEST_ROUTE_DOCS.keys()) {
      const [method, url] = key.split(' ');
      expect(routes, key).toContain(`${method} ${openApiPath(url ?? '')}`);
    }
    await app.close();
  });

  it('generates the send body from the schema that validates it (one source of truth)', async () => {
    const app = server();
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { required: string[]; additionalProperties: boolean; properties: Record<string, { enum?: string[] }> } }> } }>> }>();
    const schema = document.paths['/v1/email']?.post?.requestBody.content['application/json']?.schema;
    expect(schema?.required).toEqual(['to', 'type', 'payload']);
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.properties.type?.enum).toContain('OrganizationInvitation');
    await app.close();
  });
});
