import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * The stand-in mail server (smtp-server on 127.0.0.1, no STARTTLS, no auth, no reverse DNS).
 * It counts messages, unique bench indexes (`n=<digits>` in the body) and connections.
 * smtp-server waits a fixed 100 ms before each greeting (to catch early talkers); the package has
 * no option to turn that off, so every new SMTP connection costs at least 100 ms here.
 */
export type SmtpSink = {
  port: number;
  reset(): void;
  readonly received: number;
  readonly unique: number;
  readonly connections: number;
  close(): Promise<void>;
};

const INDEX = /n=(\d+)/;

export const startSmtpSink = async (): Promise<SmtpSink> => {
  let received = 0;
  let connections = 0;
  let seen = new Set<number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    size: 1024 * 1024,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received += 1;
        const n = INDEX.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
        if (n !== undefined) seen.add(Number(n));
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    reset() {
      received = 0;
      connections = 0;
      seen = new Set();
    },
    get received() {
      return received;
    },
    get unique() {
      return seen.size;
    },
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
