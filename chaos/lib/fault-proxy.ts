import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * What the proxy does to the bytes it forwards, switchable at run time:
 * - `pass`: forwards as they come;
 * - `latency`: holds each chunk for a random time in [minMs, maxMs] (order kept, both directions);
 * - `stall`: holds every byte both ways and keeps the connections open; leaving the mode releases
 *   what it held, in order;
 * - `reset`: forwards the client's bytes, lets `afterBytes` bytes of the server's answer through
 *   (per connection, counted from when the mode began or the connection opened; a range picks at
 *   random), then resets both sockets (RST to the client).
 */
export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'latency'; minMs: number; maxMs: number }
  | { kind: 'stall' }
  | { kind: 'reset'; afterBytes: number | readonly [number, number] };

export type FaultProxyStats = {
  /** Connections accepted. */
  connections: number;
  /** Connections the proxy reset in `reset` mode. */
  resets: number;
  /** Bytes forwarded client → server and server → client. */
  bytesUp: number;
  bytesDown: number;
  /** Bytes dropped because their sender (or the other side) went away while the proxy held them. */
  bytesDropped: number;
};

export type FaultProxy = {
  host: string;
  port: number;
  mode(): FaultMode;
  setMode(mode: FaultMode): void;
  /** Connections open right now. */
  open(): number;
  stats: FaultProxyStats;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
};

export type FaultProxyOptions = { target: { host: string; port: number }; mode?: FaultMode };

type Held = { chunk: Buffer; due: number };

const pick = (r: number | readonly [number, number]) => (typeof r === 'number' ? r : Math.floor(r[0] + Math.random() * (r[1] - r[0] + 1)));

/** One direction of one connection: a queue of chunks, each released at its due time unless stalled. */
class Pipe {
  private readonly held: Held[] = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly to: Socket,
    private readonly proxy: { mode(): FaultMode; ready(): boolean },
    /** Called with each chunk before it is written: undefined = write it; a number = it took over (a reset). */
    private readonly allow: (chunk: Buffer) => number | undefined,
    private readonly count: (n: number) => void,
  ) {}

  push(chunk: Buffer) {
    const m = this.proxy.mode();
    const delay = m.kind === 'latency' ? m.minMs + Math.random() * (m.maxMs - m.minMs) : 0;
    this.held.push({ chunk, due: Date.now() + delay });
    this.pump();
  }

  /** Forgets what it holds; returns how many bytes that was. */
  drop(): number {
    clearTimeout(this.timer);
    const n = this.held.reduce((s, h) => s + h.chunk.length, 0);
    this.held.length = 0;
    return n;
  }

  pump() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.proxy.mode().kind === 'stall' || !this.proxy.ready() || this.to.destroyed) return;
    // Keep the order: a chunk never overtakes the one before it.
    const floor = Date.now();
    for (let head = this.held[0]; head; head = this.held[0]) {
      if (head.due > floor) {
        this.timer = setTimeout(() => this.pump(), head.due - floor);
        return;
      }
      this.held.shift();
      const allowed = this.allow(head.chunk);
      if (allowed !== undefined) return void this.count(allowed); // a reset: `allow` wrote what goes through
      this.to.write(head.chunk);
      this.count(head.chunk.length);
    }
  }
}

/** A TCP proxy on 127.0.0.1 that forwards to `target` and injects faults (see FaultMode). */
export const startFaultProxy = async ({ target, mode: initial = { kind: 'pass' } }: FaultProxyOptions): Promise<FaultProxy> => {
  let mode: FaultMode = initial;
  const stats: FaultProxyStats = { connections: 0, resets: 0, bytesUp: 0, bytesDown: 0, bytesDropped: 0 };
  const conns = new Set<{ armReset(): void; pump(): void; destroy(): void }>();

  const server = createServer((client) => {
    stats.connections++;
    const upstream = connect({ host: target.host, port: target.port });
    let connected = false;
    let closed = false;
    // Bytes of the server's answer still allowed through in reset mode; undefined = no limit.
    let budget: number | undefined;
    const proxy = { mode: () => mode, ready: () => connected };
    // Either side going away (FIN, RST or error) ends both, and the bytes held for them are dropped:
    // the proxy's delay sits on the sender's side, where a closed connection takes its unsent bytes along.
    let resetting = false;
    const close = (asked: 'close' | 'reset' = 'close') => {
      if (closed) return;
      closed = true;
      // A connection whose reset is under way ends with that reset, even when the other side goes
      // away in the millisecond before it (a FIN then would look like a clean close to the client).
      const how = resetting ? 'reset' : asked;
      stats.bytesDropped += up.drop() + down.drop();
      if (how === 'reset') {
        stats.resets++;
        client.resetAndDestroy();
      } else client.destroy();
      upstream.destroy();
      conns.delete(conn);
    };
    const allowDown = (chunk: Buffer): number | undefined => {
      if (resetting) return 0;
      if (budget === undefined || chunk.length < budget) {
        if (budget !== undefined) budget -= chunk.length;
        return undefined;
      }
      const n = budget;
      resetting = true;
      // The first `n` bytes of the answer are handed to the kernel, then the reset (right in the
      // write callback, Node would close with a FIN instead).
      if (n > 0) client.write(chunk.subarray(0, n), () => setTimeout(() => close('reset'), 1));
      else close('reset');
      return n;
    };
    const up = new Pipe(upstream, proxy, () => undefined, (n) => (stats.bytesUp += n));
    const down = new Pipe(client, proxy, allowDown, (n) => (stats.bytesDown += n));
    const conn = {
      armReset: () => void (budget = mode.kind === 'reset' ? pick(mode.afterBytes) : undefined),
      pump: () => (up.pump(), down.pump()),
      destroy: () => close(),
    };
    conns.add(conn);
    conn.armReset();
    client.on('data', (chunk: Buffer) => up.push(chunk));
    upstream.on('data', (chunk: Buffer) => down.push(chunk));
    upstream.once('connect', () => {
      connected = true;
      conn.pump();
    });
    for (const s of [client, upstream]) s.on('end', () => close()).on('error', () => close()).on('close', () => close());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    mode: () => mode,
    setMode(next) {
      mode = next;
      for (const c of conns) {
        c.armReset();
        c.pump();
      }
    },
    open: () => conns.size,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of [...conns]) c.destroy();
        server.close(() => resolve());
      }),
  };
};
