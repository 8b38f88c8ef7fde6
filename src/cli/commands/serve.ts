import { withDeadline } from '../../abort/with-deadline.js';
import { createLogger } from '../../log/logger.js';
import { startTracing, type Tracing } from '../../tracing/sdk.js';
import { parseShardList } from '../../messages/shards.js';
import { loadCliConfig, type GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';
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

/** `--shards LIST` checked against `queue.shards`: exit code 2 and the reason when it names none or a missing one. */
const shardsOption = (list: string | undefined, count: number): number[] | undefined => {
  if (list === undefined) return undefined;
  try {
    return parseShardList(list, count);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
};

/** `otp-courier worker [--shards LIST]`: consume and deliver until SIGTERM; SIGHUP reloads the config file. */
export const runWorker = async (options: GlobalOptions & { shards?: string }): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const shards = shardsOption(options.shards, loaded.config.queue.shards);
  const logger = createLogger(loaded.config.log.level);
  const tracing = await startTracing(process.env, 'otp-courier-worker', logger);
  const registry = createRegistry();
  const runtime = await startWorkerRuntime(loaded, logger, registry, { ...(tracing && { telemetry: tracing.telemetry }), ...(shards && { shards }) });
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
