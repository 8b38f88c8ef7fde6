import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { defineProvider } from '../types.js';
import { outboxConfigSchema } from './config.js';
import { createReceiptPoster } from './receipt-poster.js';
import { outboxReceipts, outboxReceiptsSchema } from './receipts.js';
import { toOutboxLine } from './request.js';

/** The id the outbox gives each send, as a vendor would: its receipts refer to it. */
export const outboxMessageId = (id: string): string => `outbox-${id}`;

/** Development sink: appends one JSON line per message, and posts its own receipts when they are on. Not for production. */
export const outboxProvider = defineProvider({
  id: 'outbox',
  channels: ['email', 'sms'],
  configSchema: outboxConfigSchema,
  receipts: outboxReceipts,
  create(config, deps) {
    const path = resolve(config.path);
    let handle: Promise<FileHandle> | undefined;
    const file = () => (handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a')));
    const receipts = deps.receipts === undefined ? undefined : outboxReceiptsSchema.parse(deps.receipts);
    const poster = receipts && createReceiptPoster(receipts, deps.logger);
    return {
      templates: [],
      acceptsRenderedContent: true,
      async send(message, ctx) {
        const line = toOutboxLine(message, new Date());
        // One write() per line on an O_APPEND handle: lines from concurrent sends never interleave.
        await (await file()).write(line);
        const providerMessageId = outboxMessageId(message.id);
        if (poster && ctx.receiptUrl) poster.schedule(ctx.receiptUrl, providerMessageId);
        return { providerMessageId };
      },
      async close() {
        await poster?.close();
        if (handle) await (await handle).close();
        handle = undefined;
      },
    };
  },
});
