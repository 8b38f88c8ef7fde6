import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('otp-courier');

type Request = { headers: Record<string, string | string[] | undefined> };
type Reply = { statusCode: number };

/**
 * Wraps a route handler in a server span `<method> <route>` that continues the caller's W3C
 * `traceparent` (SPEC §13), so what the handler does (the enqueue, BullMQ's producer span) is in
 * the caller's trace. Only the method, route and status are recorded: never the body.
 */
export const tracedRoute =
  <Req extends Request, Rep extends Reply, R>(method: string, route: string, handler: (req: Req, reply: Rep) => Promise<R>) =>
    (req: Req, reply: Rep): Promise<R> =>
      tracer.startActiveSpan(
        `${method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
        propagation.extract(ROOT_CONTEXT, req.headers),
        async (span) => {
          try {
            const result = await handler(req, reply);
            span.setAttribute('http.response.status_code', reply.statusCode);
            if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
            return result;
          } catch (error) {
            // Fastify's error handler answers it; the span only says it failed.
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        },
      );
