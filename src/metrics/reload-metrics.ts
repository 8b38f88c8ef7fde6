import { Counter, type Registry } from 'prom-client';

/** SPEC §14: `otp_config_reloads_total{result}`, on the worker and the ingest (once per registry). */
export const createReloadCounter = (registry: Registry): Counter<'result'> => {
  const existing = registry.getSingleMetric('otp_config_reloads_total') as Counter<'result'> | undefined;
  if (existing) return existing;
  const counter = new Counter({
    name: 'otp_config_reloads_total',
    help: 'Config reloads on SIGHUP: success (applied) or failure (refused; the running config stays).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Both series from the start, so a dashboard's rate() sees the first reload.
  counter.inc({ result: 'success' }, 0);
  counter.inc({ result: 'failure' }, 0);
  return counter;
};
