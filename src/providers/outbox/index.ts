import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { defineProvider } from '../types.js';
import { outboxConfigSchema } from './config.js';
import { toOutboxLine } from './request.js';

/** Development sink: appends one JSON line per message. Not for production. */
export const outboxProvider = defineProvider({
  id: 'outbox',
  channels: ['email', 'sms'],
  configSchema: outboxConfigSchema,
  create(config) {
    const path = resolve(config.path);
    let handle: Promise<FileHandle> | undefined;
    const file = () => (handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a')));
    return {
      templates: [],
      acceptsRenderedContent: true,
      async send(message) {
        const line = toOutboxLine(message, new Date());
        // One write() per line on an O_APPEND handle: lines from concurrent sends never interleave.
        await (await file()).write(line);
        return {};
      },
      async close() {
        if (handle) await (await handle).close();
        handle = undefined;
      },
    };
  },
});
