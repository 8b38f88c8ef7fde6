/**
 * A process the harness spawns (`node --import tsx bench/worker-child.ts`) to run one worker or
 * ingest apart from the producers and sinks, as in production. Spec in env BENCH_CHILD (JSON);
 * commands over IPC: `start`, `stats`, `stop` (see lib/protocol.ts).
 */
import type { ChildMessage, ChildSpec, ParentMessage } from './lib/protocol.js';
import { createTracker } from './lib/tracker.js';
import type * as BareChild from './lib/child/bare.js';
import type * as CourierChild from './lib/child/courier.js';
import type * as IngestChild from './lib/child/ingest.js';

const send = (message: ChildMessage) => process.send?.(message);
const spec = JSON.parse(process.env.BENCH_CHILD ?? 'null') as ChildSpec | null;
if (!spec || !process.send) throw new Error('worker-child is started by bench/main.ts (env BENCH_CHILD and an IPC channel)');

const tracker = createTracker();
const modules =
  spec.kind === 'courier' ? await import('./lib/child/courier.js') : spec.kind === 'ingest' ? await import('./lib/child/ingest.js') : await import('./lib/child/bare.js');
// otp-courier's modules load before `loaded`, so module loading is never part of a measurement.
if (spec.kind === 'courier' || spec.kind === 'ingest') await (await import('./lib/otp.js')).loadOtp();

const start = async (): Promise<{ close(): Promise<void> }> => {
  switch (spec.kind) {
    case 'courier':
      return (modules as typeof CourierChild).startCourier(spec.config, tracker, spec.logFile);
    case 'ingest':
      return (modules as typeof IngestChild).startIngest(spec.config, spec.logFile);
    default:
      return (modules as typeof BareChild).startBare(spec, tracker);
  }
};

let running: { close(): Promise<void> } | undefined;
const gc = (globalThis as { gc?: () => void }).gc;
/** Full GCs with pauses between, so FinalizationRegistry callbacks (AbortSignal.timeout's) run too. */
const settle = async (collect: () => void) => {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 50));
  }
};
const fail = (error: unknown) => send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'start':
      start().then((r) => {
        running = r;
        send({ type: 'ready' });
      }, fail);
      break;
    case 'stats':
      (message.gc && gc ? settle(gc) : Promise.resolve()).then(() => send({ type: 'stats', stats: tracker.snapshot(Boolean(message.gc && gc)) }), fail);
      break;
    case 'stop':
      (running ? running.close() : Promise.resolve()).then(() => {
        send({ type: 'stopped' });
        process.disconnect();
        process.exit(0);
      }, fail);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'loaded' });
