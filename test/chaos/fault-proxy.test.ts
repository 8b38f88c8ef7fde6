import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../chaos/lib/fault-proxy.js';
import { eventually } from '../helpers/pipeline.js';

/** The chaos fault proxy (chaos/lib/fault-proxy.ts) between a real client and a real TCP server. */

type Peer = { socket: Socket; received: () => string; arrivals: { at: number; text: string }[]; closed: () => boolean; error: () => string | undefined };

const watch = (socket: Socket): Peer => {
  const arrivals: { at: number; text: string }[] = [];
  let closed = false;
  let error: string | undefined;
  socket.on('data', (c: Buffer) => arrivals.push({ at: Date.now(), text: c.toString('latin1') }));
  socket.on('error', (e: NodeJS.ErrnoException) => void (error = e.code ?? e.message));
  socket.on('close', () => void (closed = true));
  return { socket, arrivals, received: () => arrivals.map((a) => a.text).join(''), closed: () => closed, error: () => error };
};

let server: Server | undefined;
let proxy: FaultProxy | undefined;
const sides: Peer[] = [];
const opened: Socket[] = [];

/** A TCP server that records every connection; `answer` decides what it writes back to each chunk. */
const startTarget = async (answer: (chunk: string) => string | undefined = (c) => c.toUpperCase()) => {
  const peers: Peer[] = [];
  server = createServer((s) => {
    const peer = watch(s);
    peers.push(peer);
    s.on('data', (c: Buffer) => {
      const reply = answer(c.toString('latin1'));
      if (reply !== undefined) s.write(reply);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, peers };
};

const dial = async (p: FaultProxy): Promise<Peer> => {
  const s = connect({ host: p.host, port: p.port });
  opened.push(s);
  await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
  const peer = watch(s);
  sides.push(peer);
  return peer;
};

const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  for (const s of opened.splice(0)) s.destroy();
  sides.length = 0;
  await proxy?.close();
  proxy = undefined;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('fault proxy', () => {
  it('pass: forwards both ways unchanged and counts the bytes', async () => {
    const target = await startTarget();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await dial(proxy);
    c.socket.write('hello');
    await eventually(() => c.received() === 'HELLO', 2000);
    expect(target.peers[0]!.received()).toBe('hello');
    expect(proxy.stats).toMatchObject({ connections: 1, bytesUp: 5, bytesDown: 5, resets: 0 });
  });

  it('latency: holds each chunk for minMs–maxMs, in order, both directions', async () => {
    const target = await startTarget();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port }, mode: { kind: 'latency', minMs: 150, maxMs: 250 } });
    const c = await dial(proxy);
    const sentAt = Date.now();
    c.socket.write('a');
    await quiet(20);
    c.socket.write('b');
    await eventually(() => c.received() === 'AB', 3000);
    const atTarget = target.peers[0]!.arrivals;
    expect(atTarget.map((a) => a.text).join('')).toBe('ab');
    expect(atTarget[0]!.at - sentAt).toBeGreaterThanOrEqual(145);
    // The answer is held again on its way back: one delay each way.
    expect(c.arrivals[0]!.at - sentAt).toBeGreaterThanOrEqual(290);
  });

  it('stall: holds every byte both ways with the connection open, then releases them in order', async () => {
    const target = await startTarget(() => undefined);
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await dial(proxy);
    c.socket.write('before');
    await eventually(() => target.peers[0]?.received() === 'before', 2000);
    proxy.setMode({ kind: 'stall' });
    c.socket.write('-up1');
    c.socket.write('-up2');
    target.peers[0]!.socket.write('down');
    await quiet(400);
    expect(target.peers[0]!.received()).toBe('before');
    expect(c.received()).toBe('');
    expect(c.closed() || target.peers[0]!.closed()).toBe(false);
    expect(proxy.open()).toBe(1);
    proxy.setMode({ kind: 'pass' });
    await eventually(() => target.peers[0]!.received() === 'before-up1-up2' && c.received() === 'down', 2000);
  });

  it('stall: a new connection is accepted and held too', async () => {
    const target = await startTarget();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port }, mode: { kind: 'stall' } });
    const c = await dial(proxy);
    c.socket.write('x');
    await quiet(300);
    expect(target.peers[0]?.received() ?? '').toBe('');
    proxy.setMode({ kind: 'pass' });
    await eventually(() => c.received() === 'X', 2000);
  });

  it('reset: lets afterBytes of the answer through, then resets both sockets; new connections too, until the mode changes', async () => {
    const target = await startTarget(() => 'y'.repeat(1000));
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port }, mode: { kind: 'reset', afterBytes: 10 } });
    const c = await dial(proxy);
    c.socket.write('GET');
    await eventually(() => c.closed() && target.peers[0]!.closed(), 2000);
    expect(target.peers[0]!.received()).toBe('GET'); // the request went through
    expect(c.received()).toBe('y'.repeat(10));
    // Nearly always ECONNRESET; on a loaded host the client has been seen to close without an error
    // event once (rare, not reproduced): the reset itself is counted by the proxy below.
    expect([undefined, 'ECONNRESET']).toContain(c.error());
    expect(proxy.stats.resets).toBe(1);
    const again = await dial(proxy);
    again.socket.write('GET');
    await eventually(() => again.closed(), 2000);
    expect(again.received()).toBe('y'.repeat(10));
    expect(proxy.stats.resets).toBe(2);
    proxy.setMode({ kind: 'pass' });
    const fine = await dial(proxy);
    fine.socket.write('GET');
    await eventually(() => fine.received().length === 1000, 2000);
    expect(fine.closed()).toBe(false);
  });

  it('reset: afterBytes 0 cuts before the first byte of the answer; a range picks within it', async () => {
    const target = await startTarget(() => 'z'.repeat(500));
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port }, mode: { kind: 'reset', afterBytes: 0 } });
    const c = await dial(proxy);
    c.socket.write('q');
    await eventually(() => c.closed(), 2000);
    expect(c.received()).toBe('');
    expect(target.peers[0]!.received()).toBe('q');
    proxy.setMode({ kind: 'reset', afterBytes: [20, 30] });
    const d = await dial(proxy);
    d.socket.write('q');
    await eventually(() => d.closed(), 2000);
    expect(d.received().length).toBeGreaterThanOrEqual(20);
    expect(d.received().length).toBeLessThanOrEqual(30);
  });

  it('switching an open connection to reset cuts it on the next bytes of the answer', async () => {
    const target = await startTarget();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await dial(proxy);
    c.socket.write('one');
    await eventually(() => c.received() === 'ONE', 2000);
    proxy.setMode({ kind: 'reset', afterBytes: 2 });
    c.socket.write('two');
    await eventually(() => c.closed(), 2000);
    expect(c.received()).toBe('ONETW');
  });

  it('a sender that goes away takes the bytes held for it along: the target never sees them', async () => {
    const target = await startTarget();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port } });
    const c = await dial(proxy);
    c.socket.write('first');
    await eventually(() => target.peers[0]?.received() === 'first', 2000);
    proxy.setMode({ kind: 'latency', minMs: 400, maxMs: 400 });
    c.socket.write('late');
    await quiet(50);
    c.socket.destroy();
    await eventually(() => target.peers[0]!.closed(), 2000);
    proxy.setMode({ kind: 'pass' });
    await quiet(500);
    expect(target.peers[0]!.received()).toBe('first');
    expect(proxy.stats.bytesDropped).toBeGreaterThanOrEqual(4);
    expect(proxy.open()).toBe(0);
  });

  it('close() ends every connection', async () => {
    const target = await startTarget();
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port }, mode: { kind: 'stall' } });
    const c = await dial(proxy);
    await eventually(() => target.peers.length === 1, 2000);
    await proxy.close();
    proxy = undefined;
    await eventually(() => c.closed() && target.peers[0]!.closed(), 2000);
  });
});
