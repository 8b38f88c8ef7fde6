import Fastify, { type FastifyInstance } from 'fastify';
import { withDeadline } from '../abort/with-deadline.js';
import { safeEqualAny } from '../crypto/compare.js';
import { renderPage, renderUnavailable } from './render.js';
import type { UiState } from './state.js';

export type UiOptions = {
  /** Reads the page's state (from Redis). */
  read: () => Promise<UiState>;
  /** Accepted `Authorization` values (`Basic …` lets a browser log in); undefined = open (loopback only, the schema says). */
  authorization: readonly string[] | undefined;
  /** How long a page waits for Redis before it answers 503. @default 2000 */
  readTimeoutMs?: number;
};

/** No script, no frames, nothing cached or referred: the page is text and one inline style. */
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** SPEC §14: the read-only view (`GET /`), server-rendered, behind `ui.authorization` (compared in constant time). */
export const createUiServer = ({ read, authorization, readTimeoutMs = 2000 }: UiOptions): FastifyInstance => {
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (req, reply) => {
    if (!authorization || safeEqualAny(req.headers.authorization, authorization)) return;
    return reply.code(401).headers({ ...HEADERS, 'www-authenticate': 'Basic realm="otp-courier", charset="UTF-8"' }).send(renderUnavailable('Authorization required.'));
  });
  app.get('/', async (_req, reply) => {
    try {
      const state = await withDeadline(read(), readTimeoutMs);
      return await reply.code(200).headers(HEADERS).send(renderPage(state));
    } catch {
      return reply.code(503).headers(HEADERS).send(renderUnavailable(`Redis did not answer within ${readTimeoutMs} ms; retrying.`));
    }
  });
  return app;
};
