import { createLogger } from '../../log/logger.js';
import { loadCliConfig, type GlobalOptions } from '../context.js';
import { createRegistry, startIngestRuntime, startWorkerRuntime, untilSignal } from '../runtime.js';

/** `otp-courier worker`: consume and deliver until SIGTERM. */
export const runWorker = async (options: GlobalOptions): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const logger = createLogger(loaded.config.log.level);
  const runtime = await startWorkerRuntime(loaded, logger, createRegistry());
  await untilSignal(logger, [runtime]);
};

/** `otp-courier ingest`: the HTTP producer until SIGTERM. */
export const runIngest = async (options: GlobalOptions): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const logger = createLogger(loaded.config.log.level);
  const runtime = await startIngestRuntime(loaded, logger, createRegistry());
  await untilSignal(logger, [runtime]);
};
