import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FloodOptions = {
  status: number;
  /** Bytes the reply body would have if the client read it all. @default 10 MiB */
  totalBytes?: number;
  /** Declare the length up front (`Content-Length`) instead of streaming it chunked. @default false */
  declareLength?: boolean;
  /** Body chunk size. @default 16 KiB */
  chunkBytes?: number;
  /** Milliseconds between chunks; 0 writes as fast as the client takes them. @default 0 */
  dripMs?: number;
  headers?: Record<string, string>;
};

export type Flood = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Resolves once the first reply's status line and first body chunk are on the wire. */
  replyStarted(): Promise<void>;
  /** Resolves once the latest reply's connection closed: the bytes it handed to the socket, and whether that was the whole body. */
  replyClosed(): Promise<{ written: number; finished: boolean }>;
  close(): Promise<void>;
};

/**
 * A vendor stand-in on 127.0.0.1 whose reply body is huge (10 MiB of `x`) or never ends in time
 * (`dripMs`): it writes with backpressure, so what it wrote is what the client's socket took, and
 * it stops as soon as the client closes the connection.
 */
export const startFlood = async (options: FloodOptions): Promise<Flood> => {
  const { status, totalBytes = 10 * 1024 * 1024, declareLength = false, chunkBytes = 16 * 1024, dripMs = 0, headers = {} } = options;
  const chunk = Buffer.alloc(chunkBytes, 'x');
  let requests = 0;
  let closed: Promise<{ written: number; finished: boolean }> = Promise.resolve({ written: 0, finished: false });
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));

  /** Writes the body with backpressure until it is all written or the client goes away. */
  const pump = async (res: ServerResponse): Promise<{ written: number; finished: boolean }> => {
    let gone = false;
    let wake: () => void = () => {};
    const isGone = () => gone;
    res.once('close', () => {
      gone = true;
      wake();
    });
    let written = 0;
    while (written < totalBytes && !isGone()) {
      const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - written));
      const flushed = res.write(piece);
      written += piece.length;
      markStarted();
      if (!flushed) await new Promise<void>((resolve) => ((wake = resolve), res.once('drain', resolve)));
      if (dripMs > 0 && !isGone()) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, dripMs)));
    }
    const finished = !isGone();
    if (finished) res.end();
    return { written, finished };
  };

  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(totalBytes) } : {}), ...headers });
      const pumped = pump(res);
      closed = new Promise((resolve) => res.once('close', () => void pumped.then(resolve)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    replyStarted: () => started,
    replyClosed: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
