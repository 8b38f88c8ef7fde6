import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReceiptRequest } from '../receipts/types.js';
import type { ReceiptIntake } from '../tracking/intake.js';

export type ReceiptRouteOptions = {
  intake: ReceiptIntake;
  /** `ingest.publicUrl`: the URL vendors call is this plus the path (Twilio signs it). */
  publicUrl: string | undefined;
  /** Larger than the send routes' limit: SendGrid and SNS post batches. */
  bodyLimitBytes: number;
  /** Receipt requests handled at once; more are answered 503 + Retry-After (vendors retry). */
  maxInFlight: number;
};

/** Receipt bodies are read as bytes (signatures are over them), whatever their content type. */
export const RECEIPT_BODY_LIMIT_BYTES = 256 * 1024;
export const RECEIPT_MAX_IN_FLIGHT = 256;

const firstValues = (record: Record<string, unknown>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[name] = first;
  }
  return out;
};

const toReceiptRequest = (req: FastifyRequest, publicUrl: string | undefined): ReceiptRequest => ({
  url: `${publicUrl ?? `${req.protocol}://${req.host}`}${req.url}`,
  headers: firstValues(req.headers),
  query: firstValues((req.query ?? {}) as Record<string, unknown>),
  rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  now: Date.now(),
});

/**
 * SPEC §8 `POST /v1/receipts/<channel>/<connector>` (GET too: some vendors call back with query
 * parameters). Not behind `ingest.authorization`: each vendor is verified its own way.
 */
export const registerReceiptRoutes = (app: FastifyInstance, options: ReceiptRouteOptions): void => {
  let inFlight = 0;
  const handler = async (req: FastifyRequest<{ Params: { channel: string; connector: string } }>, reply: FastifyReply) => {
    if (inFlight >= options.maxInFlight) return reply.code(503).header('retry-after', '1').send({ error: 'unavailable' });
    inFlight += 1;
    try {
      const answer = await options.intake(req.params.channel, req.params.connector, toReceiptRequest(req, options.publicUrl));
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    } finally {
      inFlight -= 1;
    }
  };
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes }, (_req, body, done) => done(null, body));
    scope.route({ method: ['GET', 'POST'], url: '/v1/receipts/:channel/:connector', bodyLimit: options.bodyLimitBytes, handler });
  });
};
