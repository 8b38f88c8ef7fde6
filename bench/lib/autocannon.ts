import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type LoadOptions = {
  url: string;
  connections: number;
  durationSeconds: number;
  body: string;
  headers?: Record<string, string>;
};

/** What we keep of autocannon's `--json` report (latencies in ms). */
export type LoadResult = {
  requestsPerSec: number;
  total: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
};

type AutocannonJson = {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
};

/**
 * Runs autocannon's CLI in its own process (so the load generator does not share the event loop
 * of anything measured). `[<id>]` in the body becomes a fresh id per request (`-I`).
 */
export const autocannon = async ({ url, connections, durationSeconds, body, headers = {} }: LoadOptions): Promise<LoadResult> => {
  const cli = createRequire(import.meta.url).resolve('autocannon');
  const args = [cli, '-j', '-I', '-c', String(connections), '-d', String(durationSeconds), '-m', 'POST', '-b', body];
  for (const [k, v] of Object.entries({ 'content-type': 'application/json', ...headers })) args.push('-H', `${k}=${v}`);
  const { stdout } = await run(process.execPath, [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const report = JSON.parse(stdout) as AutocannonJson;
  return {
    requestsPerSec: Math.round(report.requests.average),
    total: report.requests.total,
    ok2xx: report['2xx'],
    non2xx: report.non2xx,
    errors: report.errors,
    timeouts: report.timeouts,
    latencyMs: { p50: report.latency.p50, p90: report.latency.p90, p99: report.latency.p99, max: report.latency.max },
  };
};
