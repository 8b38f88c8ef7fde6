import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowMs } from './stats.js';

/**
 * The stand-in SMS vendor: accepts Logto's HTTP connector body `{to, type, payload}` and answers
 * 200 `{}`. It reads `payload.n` (the message's bench index) to count unique messages and
 * duplicates, and `payload.t` (epoch ms at enqueue) for enqueue→accepted latency.
 */
export type HttpSink = {
  url: string;
  /** Forgets everything received so far (between runs). */
  reset(): void;
  readonly received: number;
  readonly unique: number;
  readonly duplicates: number;
  /** Requests whose body had no numeric `payload.n`. */
  readonly unreadable: number;
  /** Receive time minus `payload.t`, ms, one per request that carried `t`. */
  readonly latenciesMs: readonly number[];
  close(): Promise<void>;
};

export const startHttpSink = async (): Promise<HttpSink> => {
  let seen = new Map<number, number>();
  let received = 0;
  let duplicates = 0;
  let unreadable = 0;
  let latencies: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = nowMs();
      received += 1;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload?: { n?: unknown; t?: unknown } };
        const { n, t } = body.payload ?? {};
        if (typeof n !== 'number') unreadable += 1;
        else {
          const count = (seen.get(n) ?? 0) + 1;
          seen.set(n, count);
          if (count > 1) duplicates += 1;
        }
        if (typeof t === 'number') latencies.push(at - t);
      } catch {
        unreadable += 1;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reset() {
      seen = new Map();
      received = 0;
      duplicates = 0;
      unreadable = 0;
      latencies = [];
    },
    get received() {
      return received;
    },
    get unique() {
      return seen.size;
    },
    get duplicates() {
      return duplicates;
    },
    get unreadable() {
      return unreadable;
    },
    get latenciesMs() {
      return latencies;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
