import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { defineProvider, type OutgoingMessage } from '../types.js';

export const outboxConfigSchema = z.strictObject({
  /** JSON-lines file the messages are appended to. @default ./.otp-courier/outbox.jsonl */
  path: z.string().min(1).default('./.otp-courier/outbox.jsonl'),
});

/** The line written for one delivered message (SPEC §4). */
export const toOutboxLine = (message: OutgoingMessage, deliveredAt: Date): string => {
  const { content } = message;
  const base = { id: message.id, channel: message.channel, provider: 'outbox', to: message.to, type: message.type, locale: message.locale };
  const rendered =
    content.kind === 'email'
      ? { subject: content.subject, text: content.text, html: content.html }
      : content.kind === 'sms'
        ? { body: content.text }
        : {};
  return `${JSON.stringify({ ...base, ...rendered, deliveredAt: deliveredAt.toISOString() })}\n`;
};

/** Development sink: appends one JSON line per message. Not for production. */
export const outboxProvider = defineProvider({
  id: 'outbox',
  channels: ['email', 'sms'],
  configSchema: outboxConfigSchema,
  create(config, { channel }) {
    const path = resolve(config.path);
    let handle: Promise<FileHandle> | undefined;
    const file = () => (handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a')));
    return {
      id: 'outbox',
      channel,
      templates: [],
      acceptsRenderedContent: true,
      async send(message) {
        if (message.content.kind === 'remote') {
          throw permanent({ provider: 'outbox', code: 'template_not_supported', message: 'outbox cannot send vendor templates' });
        }
        // One write() per line on an O_APPEND handle: lines from concurrent sends never interleave.
        await (await file()).write(toOutboxLine(message, new Date()));
        return {};
      },
      async close() {
        if (handle) await (await handle).close();
        handle = undefined;
      },
    };
  },
});
