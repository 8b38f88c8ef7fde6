import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { LoadedConfig } from '../config/load.js';
import { firstProblem, liveConfig } from './live.js';

export type ReloaderDeps = {
  /** Reads and validates the config file again (throws ConfigError when it is invalid). */
  load: () => Promise<LoadedConfig>;
  /** Makes `next` the config of the next job or request (frozen settings already put back). */
  apply: (next: LoadedConfig) => Promise<void> | void;
  /** The config running now. */
  initial: LoadedConfig;
  logger: Logger;
  reloads: Counter<'result'>;
};

export type Reloader = {
  /** Reloads once (reloads asked for meanwhile wait their turn): true when the new config was applied. */
  reload(): Promise<boolean>;
  current(): LoadedConfig;
};

/**
 * SPEC §14: the config file read again on demand (SIGHUP). An invalid file is refused with one log
 * line and the running config stays; a valid one is applied without a restart, settings that
 * cannot change live keep their running values and are named in the log.
 */
export const createReloader = ({ load, apply, initial, logger, reloads }: ReloaderDeps): Reloader => {
  let running = initial;
  let queue: Promise<unknown> = Promise.resolve();

  const once = async (): Promise<boolean> => {
    let next: LoadedConfig;
    try {
      next = await load();
    } catch (error) {
      logger.error(`config reload refused: ${firstProblem(error)}`);
      reloads.inc({ result: 'failure' });
      return false;
    }
    const { loaded, ignored } = liveConfig(running, next);
    // Before apply: the new connectors' loggers (children) take the level they are created with.
    logger.level = loaded.config.log.level;
    try {
      await apply(loaded);
    } catch (error) {
      logger.level = running.config.log.level;
      logger.error(`config reload refused: ${firstProblem(error)}`);
      reloads.inc({ result: 'failure' });
      return false;
    }
    running = loaded;
    if (ignored.length > 0) logger.warn({ ignored }, 'config reload: these settings cannot change while running and keep their running values (restart to change them)');
    logger.info('config reloaded');
    reloads.inc({ result: 'success' });
    return true;
  };

  return {
    current: () => running,
    reload() {
      const turn = queue.then(once, once);
      queue = turn;
      return turn;
    },
  };
};

/** Reloads on every SIGHUP until the returned function is called. */
export const reloadOnSighup = (reloader: Reloader): (() => void) => {
  const onSignal = () => void reloader.reload();
  process.on('SIGHUP', onSignal);
  return () => process.off('SIGHUP', onSignal);
};
