import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Producer } from '../producer/index.js';
import { registerOpsRoutes, type Readiness } from '../ops/server.js';
import { createAuthorizationCheck } from './auth.js';
import { ingestErrorHandler } from './errors.js';
import { sendRoute } from './send-route.js';
import { tracedRoute } from '../tracing/server-span.js';
import { collectRoutes, openApiDocument } from './openapi.js';
import { INGEST_API_VERSION, INGEST_ROUTE_DOCS } from './openapi-routes.js';
import type { ReceiptIntake } from '../tracking/intake.js';
import { RECEIPT_BODY_LIMIT_BYTES, RECEIPT_MAX_IN_FLIGHT, registerReceiptRoutes } from './receipt-route.js';
import { registerPlatformHooks } from './hooks/index.js';
import { PLATFORM_ROUTE_DOCS } from './hooks/openapi.js';
import type { PlatformHooksConfig } from '../config/hooks-schema.js';

export type IngestOptions = {
  producer: Producer;
  registry: Registry;
  ready: Readiness;
  /** Accepted `Authorization` values; undefined or empty = open. */
  authorization: readonly string[] | undefined;
  bodyLimitBytes: number;
  /**
   * Answer 503 when enqueueing takes longer than this. Below SPEC §5's 2 s so the answer, HTTP
   * included, arrives within it. @default 1500
   */
  enqueueTimeoutMs?: number;
  /** Longest `?wait=` honoured. @default 30 */
  maxWaitSeconds?: number;
  /** SPEC §8: vendors' receipt webhooks; absent when no connector has receipts on. */
  receipts?: { intake: ReceiptIntake; publicUrl: string | undefined };
  /** SPEC §9, §12: `ingest.supabase` / `kratos` / `logto` (a platform without its section has no route). */
  hooks?: PlatformHooksConfig;
};

/** The HTTP producer (SPEC §5): Logto's HTTP connectors can post to it unchanged. */
export const createIngestServer = (options: IngestOptions): FastifyInstance => {
  const { producer, enqueueTimeoutMs = 1500, maxWaitSeconds = 30 } = options;
  const authorized = createAuthorizationCheck(options.authorization);
  // Fastify's JSON parser refuses __proto__ and constructor.prototype keys (onProtoPoisoning 'error').
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes, onProtoPoisoning: 'error', onConstructorPoisoning: 'error' });
  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415
  app.setErrorHandler(ingestErrorHandler);
  const routes = collectRoutes(app);
  let document: object | undefined;
  // Built on first request, when every route (plugins included) is registered.
  app.get('/openapi.json', async () => (document ??= openApiDocument(routes, new Map([...INGEST_ROUTE_DOCS, ...PLATFORM_ROUTE_DOCS]), INGEST_API_VERSION)));
  registerOpsRoutes(app, options.registry, options.ready);

  // Authorization is checked before the body is read: a stranger learns nothing from 400/413/415.
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!authorized(req.headers.authorization)) return reply.code(401).send({ error: 'unauthorized' });
  };
  const routeOptions = { producer, enqueueTimeoutMs, maxWaitSeconds };
  // A server span each (SPEC §13), continuing the caller's traceparent; a no-op when tracing is off.
  app.post('/v1/email', { onRequest }, tracedRoute('POST', '/v1/email', sendRoute('email', routeOptions)));
  app.post('/v1/sms', { onRequest }, tracedRoute('POST', '/v1/sms', sendRoute('sms', routeOptions)));
  registerPlatformHooks(app, { producer, registry: options.registry, hooks: options.hooks ?? {}, enqueueTimeoutMs, authorized });
  if (options.receipts) registerReceiptRoutes(app, { ...options.receipts, bodyLimitBytes: RECEIPT_BODY_LIMIT_BYTES, maxInFlight: RECEIPT_MAX_IN_FLIGHT });
  return app;
};
