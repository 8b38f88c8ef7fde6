import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { withDeadline } from '../abort/with-deadline.js';

export type Readiness = () => Promise<boolean> | boolean;

/**
 * `/metrics` (Prometheus text), `/healthz` (the process answers: never checks Redis, so a Redis blip
 * does not restart every pod) and `/readyz` (Redis reachable, running, not shutting down).
 */
export const registerOpsRoutes = (app: FastifyInstance, registry: Registry, ready: Readiness): void => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await Promise.resolve(ready()).catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready' });
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
};

/** A bare ops server for processes without another HTTP surface (the worker). */
export const startOpsServer = async (registry: Registry, ready: Readiness, port: number, host: string): Promise<FastifyInstance> => {
  const app = Fastify({ logger: false });
  registerOpsRoutes(app, registry, ready);
  await app.listen({ port, host });
  return app;
};

/** Redis answers PING within the time limit. */
export const pingRedis = (redis: { ping(): Promise<string> }, timeoutMs = 1000): Promise<boolean> =>
  withDeadline(redis.ping(), timeoutMs).then((reply) => reply === 'PONG', () => false);
