import { ConfigError } from '../../config/load.js';
import { configWarnings } from '../../startup/warnings.js';
import { createLogger } from '../../log/logger.js';
import { buildConnectors, closeConnectors } from '../../worker/connectors.js';
import { configPath, loadCliConfig, type GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';

/** Validates offline: no Redis, no provider calls. Problems: one line each, exit 2. */
export const configCheck = async (options: GlobalOptions): Promise<void> => {
  try {
    const loaded = await loadCliConfig(options);
    // Building a connector opens nothing (clients connect on first send); it shows its normalised templates.
    const connectors = buildConnectors(loaded.chains, createLogger('silent'));
    try {
      for (const w of configWarnings(loaded, connectors)) process.stdout.write(`warning: ${w.path}: ${w.message}\n`);
    } finally {
      await closeConnectors(connectors);
    }
    process.stdout.write(`${configPath(options)}: ok\n`);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const issue of error.issues) process.stderr.write(`${issue.path || '(root)'}: ${issue.message}\n`);
      throw new CliError(`${configPath(options)}: ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}`, 2);
    }
    throw error;
  }
};
