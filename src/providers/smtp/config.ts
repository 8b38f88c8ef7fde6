import { z } from 'zod';
import { logtoEmailTemplateSchema } from '../shared/templates.js';

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

/** Logto's SMTP connector config (nodemailer options), plus pool sizing. */
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
  /** @default 120000 (Logto) */
  connectionTimeout: z.number().int().positive().default(120_000),
  /** @default 30000 (Logto) */
  greetingTimeout: z.number().int().positive().default(30_000),
  /** @default 600000 (Logto) */
  socketTimeout: z.number().int().positive().default(600_000),
  /** @default 30000 (Logto) */
  dnsTimeout: z.number().int().positive().default(30_000),
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
