import { withDeadline } from '../../abort/with-deadline.js';
import { createLogger } from '../../log/logger.js';
import { startTracing, type Tracing } from '../../tracing/sdk.js';
import { loadCliConfig, type GlobalOptions } from '../context.js';
import { reloadOnHangup } from '../hangup.js';
import { createRegistry, startIngestRuntime, startWorkerRuntime, untilSignal, type Runtime } from '../runtime.js';

/** The last spans' export at shutdown: after this the process exits without them. */
const TRACING_FLUSH_MS = 2000;

/** Closes `runtime`, then flushes the spans it ended (bounded); the runtime itself when tracing is off. */
const thenFlush = (runtime: Runtime, tracing: Tracing | undefined): Runtime =>
  tracing
    ? {
      ...(runtime.closeBudgetMs !== undefined && { closeBudgetMs: runtime.closeBudgetMs + TRACING_FLUSH_MS }),
      async close() {
        await runtime.close();
        await withDeadline(tracing.shutdown(), TRACING_FLUSH_MS).catch(() => undefined);
      },
    }
    : runtime;

/** `otp-courier worker`: consume and deliver until SIGTERM; SIGHUP reloads the config file. */
export const runWorker = async (options: GlobalOptions): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const logger = createLogger(loaded.config.log.level);
  const tracing = await startTracing(process.env, 'otp-courier-worker', logger);
  const registry = createRegistry();
  const runtime = await startWorkerRuntime(loaded, logger, registry, { ...(tracing && { telemetry: tracing.telemetry }) });
  reloadOnHangup(options, loaded, runtime, logger, registry);
  await untilSignal(logger, [thenFlush(runtime, tracing)]);
};

/** `otp-courier ingest`: the HTTP producer until SIGTERM; SIGHUP reloads the config file. */
export const runIngest = async (options: GlobalOptions): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const logger = createLogger(loaded.config.log.level);
  const tracing = await startTracing(process.env, 'otp-courier-ingest', logger);
  const registry = createRegistry();
  const runtime = await startIngestRuntime(loaded, logger, registry, tracing?.telemetry);
  reloadOnHangup(options, loaded, runtime, logger, registry);
  await untilSignal(logger, [thenFlush(runtime, tracing)]);
};
