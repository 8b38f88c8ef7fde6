import type { Registry } from 'prom-client';

/** The sum of the series of `name` in `registry` whose labels include `labels` (0 when there is none). */
export const metricValue = async (registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> => {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => String((v.labels as Record<string, unknown>)[k]) === x)).reduce((sum, v) => sum + v.value, 0);
};
