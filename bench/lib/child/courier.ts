import { Counter, type Registry } from 'prom-client';
import type { Runtime } from '../../../src/cli/runtime.js';
import { loadOtp } from '../otp.js';
import type { Tracker } from '../tracker.js';
import { benchLogger } from './logger.js';

/**
 * Counts finished messages through `otp_messages_total` as the worker increments it (delivered →
 * done, expired / dead-lettered → failed): the worker itself is run unchanged.
 */
const trackMessages = (registry: Registry, tracker: Tracker): void => {
  const patch = (metric: Counter) => {
    const inc = metric.inc.bind(metric) as (labels?: unknown, value?: number) => void;
    metric.inc = ((labels?: unknown, value?: number) => {
      if ((labels as { result?: unknown } | undefined)?.result === 'delivered') tracker.done();
      else tracker.fail();
      inc(labels, value);
    });
  };
  const register = registry.registerMetric.bind(registry);
  registry.registerMetric = (metric) => {
    register(metric);
    // prom-client registers from the base constructor, before Counter sets `inc`: patch right after.
    if (metric instanceof Counter && (metric as { name?: string }).name === 'otp_messages_total') queueMicrotask(() => patch(metric));
  };
};

/** otp-courier's worker process as `otp-courier worker` builds it, with the ops server off. */
export const startCourier = async (config: Record<string, unknown>, tracker: Tracker, logFile?: string): Promise<Runtime> => {
  const otp = await loadOtp();
  const loaded = otp.parseConfig(config, otp.providers(), {});
  const registry = otp.runtime.createRegistry();
  trackMessages(registry, tracker);
  return otp.runtime.startWorkerRuntime(loaded, benchLogger(otp, loaded.config.log.level, logFile), registry, { ops: false });
};
