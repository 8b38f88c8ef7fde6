import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LoadedConfig } from '../config/load.js';
import { createReloadCounter } from '../metrics/reload-metrics.js';
import { createReloader, reloadOnSighup } from '../reload/reloader.js';
import { loadCliConfig, type GlobalOptions } from './context.js';
import type { Runtime } from './runtime.js';

/** SPEC §14: every SIGHUP re-reads the config file the process started with and applies it to `runtime`. Returns the unsubscribe. */
export const reloadOnHangup = (options: GlobalOptions, loaded: LoadedConfig, runtime: Runtime, logger: Logger, registry: Registry): (() => void) => {
  const reloads = createReloadCounter(registry);
  const reloader = createReloader({ load: () => loadCliConfig(options), apply: (next) => runtime.reload?.(next), initial: loaded, logger, reloads });
  return reloadOnSighup(reloader);
};
