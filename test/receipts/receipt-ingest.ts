import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startIngestRuntime } from '../../src/cli/runtime.js';
import { startPipeline, type Pipeline } from '../helpers/pipeline.js';

/** A port nobody listens on right now (the ingest must know its public URL before it starts). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

export type ReceiptIngest = { readonly pipeline: Pipeline; readonly base: string };

/**
 * A worker and an ingest on the test Redis, the ingest listening at `base` (its `publicUrl`), for
 * the enclosing describe. `config(base)` is merged over the pipeline's default (outbox `main` on both channels).
 */
export const useReceiptIngest = (config: (base: string) => Record<string, unknown>): ReceiptIngest => {
  let pipeline: Pipeline | undefined;
  let ingest: Awaited<ReturnType<typeof startIngestRuntime>> | undefined;
  let base = '';
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    pipeline = await startPipeline({ config: { ingest: { port, host: '127.0.0.1', publicUrl: base }, ...config(base) } });
    ingest = await startIngestRuntime(pipeline.loaded, pino({ level: 'silent' }), pipeline.registry);
  });
  afterAll(async () => {
    await ingest?.close();
    await pipeline?.close();
  });
  return {
    get pipeline() {
      if (!pipeline) throw new Error('used outside its describe');
      return pipeline;
    },
    get base() {
      return base;
    },
  };
};
