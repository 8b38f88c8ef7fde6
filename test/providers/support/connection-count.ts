import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CountingServer = {
  url: string;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
};

/**
 * A minimal vendor stand-in that answers every request with `body` (JSON) and counts the TCP
 * connections it accepts, to show that a provider reuses one keep-alive connection.
 */
export const startCountingServer = async (body: unknown): Promise<CountingServer> => {
  let count = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.on('connection', () => {
    count += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/**
 * One event-loop turn: undici marks a pooled connection idle just after the response ends, so a
 * request issued on the very next line may open a second connection. Not a timed sleep.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
