import type { Runtime } from '../../../src/cli/runtime.js';
import { loadOtp } from '../otp.js';
import { benchLogger } from './logger.js';

/** otp-courier's ingest process as `otp-courier ingest` builds it. */
export const startIngest = async (config: Record<string, unknown>, logFile?: string): Promise<Runtime> => {
  const otp = await loadOtp();
  const loaded = otp.parseConfig(config, otp.providers(), {});
  return otp.runtime.startIngestRuntime(loaded, benchLogger(otp, loaded.config.log.level, logFile), otp.runtime.createRegistry());
};
