import { permanent } from '../../errors/delivery-error.js';
import type { OutgoingMessage } from '../types.js';

/** The line written for one delivered message (SPEC §4); vendor templates cannot be written. */
export const toOutboxLine = (message: OutgoingMessage, deliveredAt: Date): string => {
  const { content } = message;
  if (content.kind === 'remote') {
    throw permanent({ provider: 'outbox', code: 'template_not_supported', message: 'outbox cannot send vendor templates' });
  }
  const base = { id: message.id, channel: message.channel, provider: 'outbox', to: message.to, type: message.type, locale: message.locale };
  const rendered = content.kind === 'email' ? { subject: content.subject, text: content.text, html: content.html } : { body: content.text };
  return `${JSON.stringify({ ...base, ...rendered, deliveredAt: deliveredAt.toISOString() })}\n`;
};
