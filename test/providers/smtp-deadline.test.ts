import { instantiate } from '../../src/providers/types.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeadline } from '../../src/abort/deadline.js';
import { smtpConfigSchema } from '../../src/providers/smtp/config.js';
import { smtpProvider } from '../../src/providers/smtp/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import { eventually } from '../helpers/pipeline.js';
import { deliveryFailure } from './support/delivery.js';
import { startTarpit, type Tarpit, type TarpitOptions } from './smtp-tarpit.js';

/** Far longer than any deadline here: a send that waits for the stall to end has failed the test. */
const STALL_MS = 6_000;
/** How late after its deadline an aborted send may settle, and its connection may close. */
const SLACK_MS = 1_000;

const deps = { name: 'mail', channel: 'email' as const, logger: pino({ level: 'silent' }) };

const email = (to: string): OutgoingMessage => ({
  id: `msg-${to}`,
  channel: 'email',
  to,
  type: 'SignIn',
  locale: 'en',
  payload: { code: '123456' },
  content: { kind: 'email', subject: 'Sign-in code', text: 'Your sign-in code is 123456.' },
});

let tarpit: Tarpit | undefined;
let provider: Provider | undefined;
afterEach(async () => {
  await provider?.close();
  await tarpit?.close();
  provider = undefined;
  tarpit = undefined;
});

const start = async (options: TarpitOptions, config: Record<string, unknown> = {}) => {
  tarpit = await startTarpit(options);
  provider = instantiate(smtpProvider,
    smtpConfigSchema.parse({ host: '127.0.0.1', port: tarpit.port, fromEmail: 'no-reply@example.com', ignoreTLS: true, maxConnections: 1, ...config }),
    deps,
  );
  return { tarpit, provider };
};

/** Sends with the worker's signal: the message deadline (`ms` from now), under a shutdown signal. */
const sendWithin = async (p: Provider, to: string, ms: number, shutdown?: AbortSignal) => {
  const deadline = createDeadline(ms, shutdown);
  const started = Date.now();
  try {
    const error = await deliveryFailure(p.send(email(to), { signal: deadline.signal, attempt: 1 }));
    return { error, settledAt: Date.now(), elapsed: Date.now() - started };
  } finally {
    deadline.dispose();
  }
};

describe('an SMTP send ends at the message deadline', () => {
  it.each(['rcpt', 'data'] as const)('a server stalling its reply to %s: rejected as aborted at the deadline, the connection is closed, nothing accepted', async (stallAt) => {
    const { tarpit, provider } = await start({ stallAt, stallMs: STALL_MS });
    const { error, elapsed, settledAt } = await sendWithin(provider, 'slow@example.com', 800);
    expect({ kind: error.kind, code: error.code, provider: error.provider }).toEqual({ kind: 'retryable', code: 'aborted', provider: 'smtp' });
    expect(elapsed).toBeLessThan(800 + SLACK_MS);
    expect(error.message).not.toContain('slow@example.com');
    // the server sees the client hang up, well before its stall would have ended
    await eventually(() => tarpit.closes.length === 1, SLACK_MS);
    expect(tarpit.closes[0]!.at - settledAt).toBeLessThan(SLACK_MS);
    expect(tarpit.accepted).toEqual([]);
    if (stallAt === 'rcpt') expect(tarpit.fullyReceived).toEqual([]);
    else expect(tarpit.dropped.map((d) => d.to)).toEqual(['slow@example.com']);
  });

  it('an already aborted signal: no connection, no SMTP transaction', async () => {
    const { tarpit, provider } = await start({ stallAt: 'rcpt', stallMs: STALL_MS });
    const controller = new AbortController();
    controller.abort();
    const error = await deliveryFailure(provider.send(email('fast@example.com'), { signal: controller.signal, attempt: 1 }));
    expect(error.code).toBe('aborted');
    expect(tarpit.connections()).toBe(0);
  });

  it('a message still queued in the pool when it is aborted is dropped: it never reaches the server; the pool then uses a fresh connection', async () => {
    const { tarpit, provider } = await start({ stallAt: 'rcpt', stallMs: STALL_MS });
    // The pool's only connection is held by a stalled send …
    const shutdown = new AbortController();
    const first = sendWithin(provider, 'slow@example.com', 60_000, shutdown.signal);
    first.catch(() => {}); // awaited below; a failed assertion before that must not leave it unhandled
    await eventually(() => tarpit.rcpt.some((r) => r.to === 'slow@example.com'), 5_000);
    // … so this one waits in the pool queue until its deadline.
    const queued = await sendWithin(provider, 'queued@example.com', 500);
    expect(queued.error.code).toBe('aborted');
    expect(queued.elapsed).toBeLessThan(500 + SLACK_MS);
    shutdown.abort();
    expect((await first).error.code).toBe('aborted');
    expect(tarpit.rcpt.map((r) => r.to)).toEqual(['slow@example.com']);
    expect(tarpit.connections()).toBe(1);

    // The aborted connection is gone; the next message goes out on a new one.
    expect(await provider.send(email('fast@example.com'), { signal: new AbortController().signal, attempt: 1 })).toMatchObject({ providerMessageId: expect.any(String) });
    expect(tarpit.accepted.map((a) => a.to)).toEqual(['fast@example.com']);
    expect(tarpit.connections()).toBe(2);
  });

  it("the connector's own timeoutMs bounds a send the message deadline would still allow: timeout, not aborted", async () => {
    const { tarpit, provider } = await start({ stallAt: 'rcpt', stallMs: STALL_MS }, { timeoutMs: 500 });
    const { error, elapsed } = await sendWithin(provider, 'slow@example.com', 60_000);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'retryable', code: 'timeout' });
    expect(elapsed).toBeLessThan(500 + SLACK_MS);
    await eventually(() => tarpit.closes.length === 1, SLACK_MS);
    expect(tarpit.accepted).toEqual([]);
  });

  it('a shutdown (the parent signal) ends a send in flight: aborted, connection closed, nothing accepted', async () => {
    const { tarpit, provider } = await start({ stallAt: 'data', stallMs: STALL_MS });
    const shutdown = new AbortController();
    const sending = sendWithin(provider, 'slow@example.com', 60_000, shutdown.signal);
    await eventually(() => tarpit.fullyReceived.length === 1, 5_000);
    const abortedAt = Date.now();
    shutdown.abort();
    const { error, settledAt } = await sending;
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'retryable', code: 'aborted' });
    expect(settledAt - abortedAt).toBeLessThan(SLACK_MS);
    await eventually(() => tarpit.closes.length === 1, SLACK_MS);
    expect(tarpit.accepted).toEqual([]);
    expect(tarpit.dropped.map((d) => d.to)).toEqual(['slow@example.com']);
  });
});
