import type { Counter, Registry } from 'prom-client';
import { once, sharedCounter } from './once.js';

/** SPEC §14: `otp_config_reloads_total{result}`, on the worker and the ingest (once per registry). */
export const createReloadCounter = (registry: Registry): Counter<'result'> =>
  once(registry, 'otp_config_reloads_total', () => {
    const counter = sharedCounter(registry, {
      name: 'otp_config_reloads_total',
      help: 'Config reloads on SIGHUP: success (applied) or failure (refused; the running config stays).',
      labelNames: ['result'] as const,
    });
    // Both series from the start, so a dashboard's rate() sees the first reload.
    counter.inc({ result: 'success' }, 0);
    counter.inc({ result: 'failure' }, 0);
    return counter;
  });
