import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * Where the server stalls for a "slow" recipient: `rcpt` holds the reply to RCPT TO (the body
 * is never sent), `data` reads the whole message and then holds the reply to the final dot (the
 * late "250 OK" a deadline must never wait for).
 */
export type StallAt = 'rcpt' | 'data';

export type TarpitOptions = {
  stallAt: StallAt;
  /** How long a stall lasts if the client stays connected. Ends early when the client closes. */
  stallMs: number;
  /** Recipients that are stalled; every other recipient is served at once. @default /^slow/ */
  slow?: RegExp;
};

type Event = { to: string; at: number };

/**
 * A real SMTP server in-process (smtp-server) on 127.0.0.1 that tarpits some recipients. It
 * accepts (replies 250 to the dot) only over a connection that is still open when its stall
 * ends: a client that closed first is recorded in `dropped`, never in `accepted`.
 */
export const startTarpit = async ({ stallAt, stallMs, slow = /^slow/ }: TarpitOptions) => {
  const rcpt: Event[] = [];
  const fullyReceived: Event[] = [];
  const accepted: Event[] = [];
  const dropped: Event[] = [];
  const closes: { sessionId: string; at: number }[] = [];
  let connections = 0;
  /** Per open session: wakes its stall when the client goes away. */
  const waiters = new Map<string, Set<() => void>>();
  const timers = new Set<NodeJS.Timeout>();

  /** Resolves `true` after `stallMs`, or `false` as soon as the session's connection closes. */
  const stall = (session: SMTPServerSession) =>
    new Promise<boolean>((resolve) => {
      const set = waiters.get(session.id);
      if (!set) return resolve(false);
      const wake = () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        set.delete(wake);
        resolve(true);
      }, stallMs);
      timers.add(timer);
      set.add(wake);
    });

  const recipients = (session: SMTPServerSession) => session.envelope.rcptTo.map((r) => r.address);

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // a client that never hangs up must not hold the test's afterAll for smtp-server's default 30 s
    closeTimeout: 500,
    onConnect(session, callback) {
      connections += 1;
      waiters.set(session.id, new Set());
      callback();
    },
    onClose(session) {
      closes.push({ sessionId: session.id, at: Date.now() });
      for (const wake of waiters.get(session.id) ?? []) wake();
      waiters.delete(session.id);
    },
    onRcptTo(address, session, callback) {
      rcpt.push({ to: address.address, at: Date.now() });
      if (stallAt !== 'rcpt' || !slow.test(address.address)) return callback();
      void stall(session).then((open) => (open ? callback() : undefined));
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        const to = recipients(session).join(',');
        fullyReceived.push({ to, at: Date.now() });
        const isSlow = recipients(session).some((r) => slow.test(r));
        if (stallAt !== 'data' || !isSlow) {
          accepted.push({ to, at: Date.now() });
          return callback();
        }
        void stall(session).then((open) => {
          if (!open) return dropped.push({ to, at: Date.now() });
          accepted.push({ to, at: Date.now() });
          return callback();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    rcpt,
    fullyReceived,
    accepted,
    dropped,
    closes,
    connections: () => connections,
    /** Sessions still connected. */
    open: () => waiters.size,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
};

export type Tarpit = Awaited<ReturnType<typeof startTarpit>>;
