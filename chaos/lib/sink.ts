import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One accepted send, as the vendor saw it. */
export type Taken = {
  code: string;
  /** The worker process that sent it: the last path segment of its endpoint (`/sms/<tag>`). */
  worker: string;
  /** The Standard Webhooks `webhook-id` header, when the sender signs. */
  webhookId?: string;
  /** When the vendor had the whole request body (epoch ms). */
  arrivedAt: number;
  /** When the vendor committed to sending it (see CommitPoint). */
  takenAt: number;
  /** When its 200 was handed to the socket; undefined while the vendor is still processing. */
  answeredAt?: number;
};

/** What the sink saw. */
export type SinkStats = {
  /** Accepted (2xx) sends per code. */
  accepted: Map<string, number>;
  /** Every accepted send, in arrival order. */
  taken: Taken[];
  /** Requests, whatever the answer. */
  requests: number;
  /** `commit: 'on-answer'` only: requests dropped because the caller hung up during processing. */
  abandoned: number;
  /** Requests that arrived after payload.exp (any answer). */
  afterExpiry: number;
  /** Requests accepted after payload.exp: a breach of "never after expiresAt". */
  acceptedAfterExpiry: number;
  /** Each request that arrived after its payload.exp: by whom, when, how late. */
  late: { code: string; worker: string; arrivedAt: number; lateByMs: number }[];
};

export type Sink = {
  /** Base URL; each worker appends `/<tag>` so the sink knows who sent what. */
  url: string;
  stats: SinkStats;
  /** Requests from `worker` the vendor is processing (taken or not, depending on `commit`). */
  inProcessing(worker: string): number;
  /** 'down': answer 503 to everything. */
  setDown(down: boolean): void;
  close(): Promise<void>;
};

/**
 * When the vendor commits to sending:
 * - `on-arrival`: as soon as it has the request body, then it processes and answers, whether or not
 *   the caller is still there (a vendor that never looks at the connection again);
 * - `on-answer`: after its processing, together with the 200, and only if the caller has not hung up
 *   meanwhile (a vendor whose request handling is cancelled with the connection, as Go's
 *   `Request.Context()` or ASP.NET's `RequestAborted` are).
 */
export type CommitPoint = 'on-arrival' | 'on-answer';

export type SinkOptions = {
  /** The vendor's processing time per request, uniformly in [lo, hi] ms. */
  delayMs?: [number, number];
  commit?: CommitPoint;
};

/**
 * An http-sms endpoint standing in for an SMS vendor. It records each message it takes: its code,
 * which worker sent it and when, and when it answered. It checks `payload.exp` (epoch ms, the
 * message's expiresAt, put there by the scenario).
 */
export const startSink = async ({ delayMs = [0, 0], commit = 'on-arrival' }: SinkOptions = {}): Promise<Sink> => {
  const stats: SinkStats = { accepted: new Map(), taken: [], requests: 0, abandoned: 0, afterExpiry: 0, acceptedAfterExpiry: 0, late: [] };
  const processing = new Set<{ worker: string }>();
  let down = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void (async () => {
      const now = Date.now();
      stats.requests++;
      let payload: { code?: string; exp?: number } = {};
      try {
        payload = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: typeof payload }).payload ?? {};
      } catch {
        // counted, answered 400 below
      }
      const late = typeof payload.exp === 'number' && now > payload.exp;
      const worker = (req.url ?? '').split('?')[0]!.split('/').at(-1) ?? '';
      if (late) {
        stats.afterExpiry++;
        stats.late.push({ code: String(payload.code), worker, arrivedAt: now, lateByMs: now - (payload.exp ?? now) });
      }
      if (down) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
      if (!payload.code) return void res.writeHead(400).end();
      if (late) stats.acceptedAfterExpiry++;
      const code = payload.code;
      let hungUp = false;
      res.once('close', () => void (hungUp = !res.writableFinished));
      const webhookId = req.headers['webhook-id'];
      const take = (): Taken => {
        const t: Taken = { code, worker, arrivedAt: now, takenAt: Date.now(), ...(typeof webhookId === 'string' && { webhookId }) };
        stats.accepted.set(code, (stats.accepted.get(code) ?? 0) + 1);
        stats.taken.push(t);
        return t;
      };
      // The vendor's own processing time, before or after it commits.
      const inFlight = { worker };
      processing.add(inFlight);
      const taken = commit === 'on-arrival' ? take() : undefined;
      const [lo, hi] = delayMs;
      if (hi > 0) await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
      processing.delete(inFlight);
      if (!taken && (hungUp || req.socket.destroyed)) return void stats.abandoned++;
      const answered = taken ?? take();
      answered.answeredAt = Date.now();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    })());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    stats,
    inProcessing: (worker) => [...processing].filter((t) => t.worker === worker).length,
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
 * Duplicates a Standard Webhooks receiver would still act on: it drops a request whose `webhook-id`
 * it has already taken, so only sends without an id (or with a new one) for a code seen before count.
 */
export const duplicatesAfterIdDedupe = (taken: Taken[]): number => {
  const ids = new Set<string>();
  const codes = new Set<string>();
  let dups = 0;
  for (const t of taken) {
    if (t.webhookId !== undefined && ids.has(t.webhookId)) continue;
    if (t.webhookId !== undefined) ids.add(t.webhookId);
    if (codes.has(t.code)) dups++;
    codes.add(t.code);
  }
  return dups;
};
