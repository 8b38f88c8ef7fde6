import type { Registry } from 'prom-client';

/** The metric `registry` already holds under `name`, else the one `create` registers (one process may run worker and ingest). */
export const once = <M>(registry: Registry, name: string, create: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? create();
