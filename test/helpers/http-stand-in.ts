import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
};

export type StandInReply = {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: unknown;
};

export type StandInHandler = (req: RecordedRequest) => StandInReply | Promise<StandInReply>;

export type StandIn = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler for the requests that follow. */
  reply(handler: StandInHandler | StandInReply): void;
  close(): Promise<void>;
};

/**
 * A local HTTP server standing in for a vendor API on 127.0.0.1: it records every request
 * (raw body included) and answers with what the test tells it to.
 */
export const startStandIn = async (initial: StandInHandler | StandInReply = { status: 200, body: {} }): Promise<StandIn> => {
  let handler: StandInHandler = typeof initial === 'function' ? initial : () => initial;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded)).then(
        (reply) => {
          const isText = typeof reply.body === 'string' || reply.body === undefined;
          const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status, { ...(isText ? {} : { 'content-type': 'application/json' }), ...reply.headers });
          res.end(payload);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(next) {
      handler = typeof next === 'function' ? next : () => next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
