/**
 * Chaos runs against real worker processes (the built CLI) and a real Redis.
 *   CHAOS_ONLY=a,c   scenarios to run (a worker-kill, a0 the same with a plain BullMQ worker, b redis-restart,
 *                  c provider-outage, d poison, e sentinel-failover, f network-faults,
 *                  g rolling-deploy, h smtp-tarpit, i sms-pumping)
 *   CHAOS_SCALE=1    1 = long form; e.g. 0.05 for a quick pass
 *   REDIS_URL        shared Redis for a, c, d, f, i (else a redis-server from PATH is started); b and e start their own
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { findOnPath, startRedisServer } from '../src/redis/local-server.js';
import type { ScenarioResult } from './lib/common.js';
import { jsonLine, table } from './lib/report.js';
import { SCENARIOS } from './scenarios/index.js';

const only = (process.env.CHAOS_ONLY ?? 'a,a0,b,c,d,e,f,g,h,i').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const scale = Number(process.env.CHAOS_SCALE ?? '1');
if (!(scale > 0)) throw new Error('CHAOS_SCALE must be a positive number');
const unknown = only.filter((s) => !(s in SCENARIOS));
if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(',')}; choose from ${Object.keys(SCENARIOS).join(',')}`);

const binary = (await findOnPath('redis-server')) ?? '';
const shared = process.env.REDIS_URL ? undefined : binary ? await startRedisServer({ binary }) : undefined;
const redisUrl = process.env.REDIS_URL ?? shared?.url;
if (!redisUrl) throw new Error('no Redis: set REDIS_URL or put redis-server on PATH');

const version = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};
const machine = {
  commit: version('git', ['rev-parse', '--short', 'HEAD']),
  dirty: version('git', ['status', '--porcelain', 'src']) !== '',
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  redis: binary ? version(binary, ['--version']) : 'external',
  scale,
};
console.log(JSON.stringify({ chaosMachine: machine }));

const results: ScenarioResult[] = [];
try {
  for (const name of only) {
    const run = SCENARIOS[name]!;
    console.error(`running ${name} (scale ${scale})…`);
    let r: ScenarioResult;
    try {
      r = await run({ redisUrl, redisBinary: binary, scale, log: (l) => console.error(l) });
    } catch (error) {
      r = { scenario: name, ok: false, seconds: 0, figures: {}, failures: [`crashed: ${(error as Error).stack ?? String(error)}`] };
    }
    results.push(r);
    console.log(jsonLine(r));
  }
} finally {
  await shared?.stop();
}
console.log(`\n${table(results)}`);
process.exitCode = results.every((r) => r.ok || r.skipped) ? 0 : 1;
