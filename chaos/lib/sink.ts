import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the sink saw. */
export type SinkStats = {
  /** Accepted (2xx) sends per code. */
  accepted: Map<string, number>;
  /** Per code, accepted sends whose connection was gone before the 200 could be written back. */
  unanswered: Map<string, number>;
  /** Requests, whatever the answer. */
  requests: number;
  /** Requests that arrived after payload.exp (any answer). */
  afterExpiry: number;
  /** Requests accepted after payload.exp: a breach of "never after expiresAt". */
  acceptedAfterExpiry: number;
};

export type Sink = {
  url: string;
  stats: SinkStats;
  /** 'down': answer 503 to everything. */
  setDown(down: boolean): void;
  close(): Promise<void>;
};

/**
 * An http-sms endpoint standing in for an SMS vendor. It takes a message once the request body has
 * arrived (as a real vendor would, whether or not the caller lives to read the answer), records
 * its code, and checks `payload.exp` (epoch ms, the message's expiresAt, put there by the scenario).
 */
export const startSink = async ({ delayMs = [0, 0] as [number, number] } = {}): Promise<Sink> => {
  const stats: SinkStats = { accepted: new Map(), unanswered: new Map(), requests: 0, afterExpiry: 0, acceptedAfterExpiry: 0 };
  let down = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const now = Date.now();
      stats.requests++;
      let payload: { code?: string; exp?: number } = {};
      try {
        payload = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: typeof payload }).payload ?? {};
      } catch {
        // counted, answered 400 below
      }
      const late = typeof payload.exp === 'number' && now > payload.exp;
      if (late) stats.afterExpiry++;
      if (down) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
      if (!payload.code) return void res.writeHead(400).end();
      if (late) stats.acceptedAfterExpiry++;
      const code = payload.code;
      stats.accepted.set(code, (stats.accepted.get(code) ?? 0) + 1);
      // The vendor's own processing time, after it has taken the message.
      const [lo, hi] = delayMs;
      if (hi > 0) await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
      if (res.destroyed || req.socket.destroyed) stats.unanswered.set(code, (stats.unanswered.get(code) ?? 0) + 1);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    stats,
    setDown: (d) => void (down = d),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Sends beyond the first, over all codes. */
export const duplicateSends = (accepted: Map<string, number>): number => [...accepted.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);

/**
 * Duplicates split by cause: `unanswered` — the vendor took the message but the worker died before
 * reading the 200 (no marker can be written: only vendor-side idempotency would help);
 * `answered` — the worker had the 200 and the message was still sent again.
 */
export const duplicateCauses = (stats: SinkStats): { unanswered: number; answered: number } => {
  let unanswered = 0;
  let answered = 0;
  for (const [code, count] of stats.accepted) {
    if (count < 2) continue;
    const u = Math.min(count - 1, stats.unanswered.get(code) ?? 0);
    unanswered += u;
    answered += count - 1 - u;
  }
  return { unanswered, answered };
};
