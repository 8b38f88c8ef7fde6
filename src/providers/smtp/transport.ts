import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import type { SmtpConfig } from './config.js';

/** Longest a pooled connection sits idle before we QUIT it (nodemailer's own default is 4 min). */
const MAX_IDLE_MS = 240_000;

/**
 * The pooled nodemailer transport's options for a connector: Logto's fields unchanged, plus ours.
 *
 * - `socketCloseTimeout: 0`: closing a connection destroys its socket at once. nodemailer closes the
 *   connection carrying a send whose signal aborts; with the default (end, then wait 5 s for the
 *   server) bytes still buffered on our side would yet be flushed to the server. Nothing we send
 *   after QUIT's reply or an abort matters, so there is nothing to wait for.
 * - `idleTimeout` below `socketTimeout`: an idle pooled connection is closed with QUIT before the
 *   inactivity timeout would tear it down as an error.
 */
export const transportOptions = (config: SmtpConfig): SMTPPoolOptions => {
  const { fromEmail, replyTo, templates, customHeaders, timeoutMs, ...nodemailerOptions } = config;
  return {
    ...nodemailerOptions,
    pool: true,
    socketCloseTimeout: 0,
    idleTimeout: Math.min(MAX_IDLE_MS, Math.floor(config.socketTimeout * 0.75)),
  };
};
