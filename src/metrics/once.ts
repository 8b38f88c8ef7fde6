import { Counter, Histogram, type Registry } from 'prom-client';

/** The metric `registry` already holds under `name`, else the one `create` registers (one process may run worker and ingest). */
export const once = <M>(registry: Registry, name: string, create: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? create();

type Definition<L extends string> = { name: string; help: string; labelNames: readonly L[] };

/** A counter registered once per registry (the ingest and the worker of `dev` share one). */
export const sharedCounter = <L extends string>(registry: Registry, definition: Definition<L>): Counter<L> =>
  once(registry, definition.name, () => new Counter({ ...definition, registers: [registry] }));

/** A histogram registered once per registry. */
export const sharedHistogram = <L extends string>(registry: Registry, definition: Definition<L> & { buckets: number[] }): Histogram<L> =>
  once(registry, definition.name, () => new Histogram({ ...definition, registers: [registry] }));
