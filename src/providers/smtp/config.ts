import { z } from 'zod';
import { MAX_TIMER_MS } from '../../abort/timer.js';
import { logtoEmailTemplateSchema } from '../shared/templates.js';

/**
 * Our defaults (Logto's: 120 s connect, 30 s greeting, 600 s socket, 30 s DNS). A send that has not
 * finished in 20 s is better retried or failed over to the next connector while the code is fresh;
 * a cold send (connect, greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA) takes about eight round
 * trips, well under a second on a healthy server. 10 s to set a connection up leaves room for a
 * slow greeting (greet pauses of a few seconds); a DNS answer later than 5 s means a resolver is
 * down; 30 s of silence from a server mid-transaction is a tarpit, not a slow disk.
 */
export const SMTP_TIMEOUT_DEFAULTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 5_000,
  timeoutMs: 20_000,
} as const;

/** A nodemailer timeout in ms: longer than a Node timer can hold would fire at once. */
const timeoutField = (fallback: number) => z.number().int().positive().max(MAX_TIMER_MS).default(fallback);

const loginAuth = z.strictObject({ user: z.string().optional(), pass: z.string().optional(), type: z.literal('login').optional() });
const oauth2WithKey = z.strictObject({
  type: z.literal('oauth2').optional(),
  user: z.string(),
  privateKey: z.union([z.string(), z.strictObject({ key: z.string(), passphrase: z.string() })]),
  serviceClient: z.string(),
});
const oauth2WithToken = z.strictObject({
  type: z.literal('oauth2').optional(),
  user: z.string(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  refreshToken: z.string().optional(),
  accessToken: z.string().optional(),
  expires: z.number().optional(),
  accessUrl: z.string().optional(),
});

/** Logto's SMTP connector config (nodemailer options), plus pool sizing and a whole-send timeout. */
export const smtpConfigSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  auth: z.union([loginAuth, oauth2WithKey, oauth2WithToken]).optional(),
  fromEmail: z.string().min(1),
  replyTo: z.string().optional(),
  templates: z.array(logtoEmailTemplateSchema).default([]),
  logger: z.boolean().optional(),
  debug: z.boolean().optional(),
  disableFileAccess: z.boolean().optional(),
  disableUrlAccess: z.boolean().optional(),
  name: z.string().optional(),
  localAddress: z.string().optional(),
  // Logto's names and meanings, nodemailer's options; the defaults are ours, sized for OTPs (a code
  // is useful for minutes, a user retries after seconds) instead of Logto's minutes-long ones. The
  // message deadline ends a send whatever they are set to; see SMTP_TIMEOUT_DEFAULTS.
  /** DNS lookup, TCP connect, greeting and STARTTLS together. @default 10000 (Logto: 120000) */
  connectionTimeout: timeoutField(SMTP_TIMEOUT_DEFAULTS.connectionTimeout),
  /** Server greeting after connect (capped by what is left of `connectionTimeout`). @default 10000 (Logto: 30000) */
  greetingTimeout: timeoutField(SMTP_TIMEOUT_DEFAULTS.greetingTimeout),
  /** Socket inactivity: a server silent this long fails the send; an idle pooled connection is closed before it. @default 30000 (Logto: 600000) */
  socketTimeout: timeoutField(SMTP_TIMEOUT_DEFAULTS.socketTimeout),
  /** DNS lookup of `host` (capped by `connectionTimeout`). @default 5000 (Logto: 30000) */
  dnsTimeout: timeoutField(SMTP_TIMEOUT_DEFAULTS.dnsTimeout),
  /** Whole send (ours), from handing the message to the pool (it may wait there for a connection) to the server's reply to its DATA. @default 20000 */
  timeoutMs: z.number().int().min(100).max(120_000).default(SMTP_TIMEOUT_DEFAULTS.timeoutMs),
  /** Implicit TLS (port 465). @default false */
  secure: z.boolean().default(false),
  /** Node TLS options; certificate checks stay on unless you turn them off here. @default {} */
  tls: z.record(z.string(), z.unknown()).default({}),
  servername: z.string().optional(),
  ignoreTLS: z.boolean().optional(),
  /** Refuse to send unless STARTTLS succeeds. */
  requireTLS: z.boolean().optional(),
  customHeaders: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  /** Pooled connections kept open to the server (ours). @default 10 */
  maxConnections: z.number().int().min(1).max(100).default(10),
  /** Messages per pooled connection before it is recycled (ours). @default 1000 */
  maxMessages: z.number().int().min(1).default(1000),
});

export type SmtpConfig = z.infer<typeof smtpConfigSchema>;
