import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipeline } from '../helpers/pipeline.js';
import { startTarpit } from '../providers/smtp-tarpit.js';

type Received = { from: string; to: string[]; raw: string };

/** A real SMTP server in-process (smtp-server), on 127.0.0.1, recording every message. */
const startSmtp = async (options: { rejectRecipient?: string } = {}) => {
  const received: Received[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (address.address === options.rejectRecipient) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, connections: () => connections, close: () => new Promise<void>((r) => server.close(() => r())) };
};

let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp({ rejectRecipient: 'nobody@example.com' });
});
afterAll(async () => smtp.close());

const smtpConfig = () => ({
  email: {
    active: 'mail',
    connectors: {
      mail: {
        provider: 'smtp',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          fromEmail: 'Example <no-reply@example.com>',
          ignoreTLS: true,
          templates: [{ usageType: 'SignIn', contentType: 'text/html', subject: 'Sign in to {{application.name}}', content: '<p>Hi {{user.name}}, your code is <b>{{code}}</b></p>' }],
          maxConnections: 2,
        },
      },
    },
  },
});

describe('smtp connector against a real SMTP server', () => {
  it('sends MIME with from, to, subject, text and html parts; escapes payload values; reuses pooled connections', async () => {
    const pipeline = await startPipeline({ config: smtpConfig() });
    try {
      const before = smtp.received.length;
      const ids = await Promise.all(
        ['ana@example.com', 'bo@example.com', 'cy@example.com', 'di@example.com'].map(async (to) =>
          (await pipeline.producer.send({ channel: 'email', to, type: 'SignIn', payload: { code: '123456', user: { name: '<script>x</script>' }, application: { name: 'Acme\r\nBcc: evil@example.com' } } })).id,
        ),
      );
      for (const id of ids) expect(await pipeline.producer.waitFor(id, { timeoutMs: 15_000 })).toBe('delivered');
      await eventually(() => smtp.received.length - before === 4);
      const mail = smtp.received.find((m) => m.to.includes('ana@example.com'));
      expect(mail?.from).toBe('no-reply@example.com');
      const raw = mail?.raw ?? '';
      expect(raw).toMatch(/^From: Example <no-reply@example\.com>$/m);
      expect(raw).toMatch(/^To: ana@example\.com$/m);
      expect(raw).toMatch(/^Subject: Sign in to Acme Bcc: evil@example\.com$/m);
      expect(raw).not.toMatch(/^Bcc:/m);
      expect(raw).toMatch(/Content-Type: multipart\/alternative/);
      expect(raw).toMatch(/Content-Type: text\/plain/);
      expect(raw).toMatch(/Content-Type: text\/html/);
      const htmlPart = raw.slice(raw.indexOf('Content-Type: text/html'));
      expect(htmlPart).toContain('&lt;script&gt;x&lt;/script&gt;');
      expect(htmlPart).not.toContain('<script>');
      expect(raw).toContain('123456');
      // 4 messages over a pool of at most 2 connections
      expect(smtp.connections()).toBeLessThanOrEqual(2);
    } finally {
      await pipeline.close();
    }
  });

  it('dead-letters a recipient the server rejects with 550 after one attempt', async () => {
    const pipeline = await startPipeline({ config: smtpConfig() });
    try {
      const { id } = await pipeline.producer.send({ channel: 'email', to: 'nobody@example.com', type: 'SignIn', payload: { code: '123456' } });
      expect(await pipeline.producer.waitFor(id, { timeoutMs: 15_000 })).toBe('dead');
      expect(await pipeline.metric('otp_delivery_attempts_total', { provider: 'smtp', outcome: 'permanent_error' })).toBe(1);
    } finally {
      await pipeline.close();
    }
  });
});

describe('smtp connector against a tarpitting server', () => {
  it('a message whose expiresAt passes while the server stalls its reply to DATA ends expired or dead, never delivered after expiresAt', async () => {
    const tarpit = await startTarpit({ stallAt: 'data', stallMs: 10_000 });
    const pipeline = await startPipeline({
      config: { email: { active: 'mail', connectors: { mail: { provider: 'smtp', config: { host: '127.0.0.1', port: tarpit.port, fromEmail: 'no-reply@example.com', ignoreTLS: true } } } } },
    });
    try {
      const expiresAt = Date.now() + 1_500;
      const { id } = await pipeline.producer.send({ channel: 'email', to: 'slow@example.com', type: 'SignIn', payload: { code: '123456' }, expiresAt });
      const outcome = await pipeline.producer.waitFor(id, { timeoutMs: 8_000 });
      const settledAt = Date.now();
      expect(['expired', 'dead']).toContain(outcome);
      // the worker let go at the deadline, not when the server's stall ended
      expect(settledAt - expiresAt).toBeLessThan(2_000);
      expect(tarpit.fullyReceived).toHaveLength(1);
      await eventually(() => tarpit.closes.length === 1, 2_000);
      expect(tarpit.closes[0]!.at - expiresAt).toBeLessThan(1_000);
      expect(tarpit.accepted).toEqual([]);
      expect(await pipeline.metric('otp_delivery_attempts_total', { provider: 'smtp', outcome: 'success' })).toBe(0);
    } finally {
      await pipeline.close();
      await tarpit.close();
    }
  });
});
