import { defaultConfigPath, loadConfigFile, type LoadedConfig } from '../config/load.js';
import { createProviderRegistry, type ProviderRegistry } from '../providers/registry.js';

export type GlobalOptions = { config?: string; verbose?: boolean };

export const configPath = (options: GlobalOptions): string => options.config ?? defaultConfigPath(process.env);

/** Loads the config named by `--config`, `OTP_COURIER_CONFIG` or `./otp-courier.yaml`. */
export const loadCliConfig = (options: GlobalOptions, registry: ProviderRegistry = createProviderRegistry()): Promise<LoadedConfig> =>
  loadConfigFile(configPath(options), registry);
