import { uiSchema } from '../../config/schema.js';
import { createLogger } from '../../log/logger.js';
import { startUiView } from '../../ui/start.js';
import { loadCliConfig, type GlobalOptions } from '../context.js';
import { untilSignal } from '../runtime.js';

/** `otp-courier ui`: the read-only view (SPEC §14) on `ui.port` until SIGTERM; `ui:` may be omitted (defaults: 127.0.0.1:9465, open). */
export const runUi = async (options: GlobalOptions): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const logger = createLogger(loaded.config.log.level);
  const chains = { email: [...loaded.chains.email], sms: [...loaded.chains.sms] };
  const view = await startUiView(loaded.config, loaded.config.ui ?? uiSchema.parse({}), () => chains, logger);
  await untilSignal(logger, [view]);
};
