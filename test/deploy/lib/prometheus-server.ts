import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A Prometheus process started by a test, listening on 127.0.0.1. */
export type PrometheusServer = {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Instant query; throws unless the API answers status "success". */
  query(expr: string): Promise<PromVector>;
  stop(): Promise<void>;
};

export type PromSample = { metric: Record<string, string>; value: [number, string] };
export type PromVector = { resultType: string; result: PromSample[] };

/** Polls `check` every `intervalMs` until it returns a truthy value; throws with the last error at the deadline. */
export const pollUntil = async <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 250): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};

/** Writes `config` (YAML or JSON text) to `<dir>/prometheus.yml` and starts Prometheus with its TSDB in `<dir>/data`. */
export const startPrometheus = async (binary: string, dir: string, port: number, config: string): Promise<PrometheusServer> => {
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, config);
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const query = async (expr: string): Promise<PromVector> => {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
    const body = (await res.json()) as { status: string; data?: PromVector; error?: string; errorType?: string };
    if (body.status !== 'success' || !body.data) throw new Error(`query failed (${res.status} ${body.errorType}: ${body.error}): ${expr}`);
    return body.data;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  try {
    await pollUntil(
      'Prometheus to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${output}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      20_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, output: () => output, query, stop };
};

type DashboardPanel = { title?: string; targets?: { expr?: string; refId?: string }[]; panels?: DashboardPanel[] };

/** Every target expression of a Grafana dashboard, rows' nested panels included. */
export const dashboardTargets = (dashboard: { panels: DashboardPanel[] }): { panel: string; refId: string; expr: string }[] => {
  const walk = (panels: DashboardPanel[]): { panel: string; refId: string; expr: string }[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).flatMap((t) => (t.expr ? [{ panel: p.title ?? '(untitled)', refId: t.refId ?? '?', expr: t.expr }] : [])),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard.panels);
};

/** Replaces Grafana variables (`$name`, `${name}`, `[[name]]`) with the given values; throws on any left over. */
export const substituteGrafanaVariables = (expr: string, values: Record<string, string>): string => {
  const out = expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`no value for Grafana variable ${whole} in: ${expr}`);
    return value;
  });
  return out;
};
