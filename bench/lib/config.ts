import { generateKey } from '../../src/crypto/key-ring.js';

/** One payload key per bench run, made by otp-courier's own `generateKey`. */
export const benchKeys = () => ({ current: 'bench', keys: { bench: generateKey() } });

export type CourierConfigOptions = {
  redisUrls: readonly string[];
  cluster: boolean;
  encryptionKeys: { current: string; keys: Record<string, string> };
  concurrency: number;
  prefix?: string;
  queue?: string;
  /** `queue.shards` (SPEC §10); left out (the default, 1) when not given. */
  shards?: number;
  /** `http-sms` connector POSTing here. */
  smsEndpoint?: string;
  /** `smtp` connector (pooled) to this port on 127.0.0.1. */
  smtpPort?: number;
  /** `http-email` connector POSTing here (instead of smtp). */
  emailEndpoint?: string;
  ingestPort?: number;
};

/** Subject and body of the bench's email template; `n={{n}}` lets the SMTP sink count unique messages. */
export const BENCH_EMAIL = { subject: 'Your sign-in code', content: 'Your code is {{code}}. It expires in 10 minutes. n={{n}}' };

/**
 * A raw otp-courier config as an operator would write it: encryption on, logging at info, a
 * per-recipient limit high enough never to refuse a bench message (it is still checked).
 */
export const courierConfig = (o: CourierConfigOptions): Record<string, unknown> => ({
  redis: { ...(o.cluster ? { cluster: o.redisUrls } : { url: o.redisUrls[0] }), prefix: o.prefix ?? '{otp}' },
  queue: { name: o.queue ?? 'otp', concurrency: o.concurrency, ...(o.shards !== undefined && { shards: o.shards }) },
  ...(o.smsEndpoint && { sms: { active: 'sink', connectors: { sink: { provider: 'http-sms', config: { endpoint: o.smsEndpoint } } } } }),
  ...(o.emailEndpoint && { email: { active: 'sink', connectors: { sink: { provider: 'http-email', config: { endpoint: o.emailEndpoint } } } } }),
  ...(o.smtpPort && {
    email: {
      active: 'mail',
      connectors: {
        mail: {
          provider: 'smtp',
          config: {
            host: '127.0.0.1',
            port: o.smtpPort,
            fromEmail: 'Example <no-reply@example.com>',
            templates: [{ usageType: 'SignIn', type: 'text/plain', ...BENCH_EMAIL }],
          },
        },
      },
    },
  }),
  limits: { perRecipient: { max: 1_000_000, windowSeconds: 60 } },
  ...(o.ingestPort !== undefined && { ingest: { port: o.ingestPort, host: '127.0.0.1' } }),
  metrics: { port: 0, host: '127.0.0.1' },
  security: { encryptionKeys: o.encryptionKeys },
  log: { level: 'info' },
});
