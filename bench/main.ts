/**
 * `npm run bench` (issue #9): starts its own Redis and stand-in providers on 127.0.0.1, runs the
 * scenarios one after another, prints a table and one JSON line per scenario.
 * Env: BENCH_SCALE (default 1), BENCH_ONLY=name1,name2, BENCH_PROFILE=1 (cpu profile of the worker).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Scenario } from './lib/context.js';
import { readBenchEnv } from './lib/env.js';
import { startHttpSink } from './lib/http-sink.js';
import { describeMachine } from './lib/machine.js';
import { distProblem } from './lib/otp.js';
import { findRedis, startStandalone } from './lib/redis.js';
import { formatTable, jsonLine, type Target } from './lib/report.js';
import { ceiling } from './scenarios/ceiling.js';
import { latency } from './scenarios/latency.js';
import { smtp } from './scenarios/smtp.js';
import { ingest } from './scenarios/ingest.js';
import { memory } from './scenarios/memory.js';
import { scale } from './scenarios/scale.js';
import { shards } from './scenarios/shards.js';

const SCENARIOS: readonly Scenario[] = [ceiling, latency, smtp, ingest, memory, scale, shards];

const main = async (): Promise<number> => {
  const env = readBenchEnv();
  const unknown = [...(env.only ?? [])].filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const started = Date.now();
  const bins = await findRedis();
  const machine = await describeMachine(bins.version);
  const dist = await distProblem();
  if (dist?.startsWith('dist/ is missing')) {
    console.error(dist);
    return 2;
  }
  if (dist) console.error(`warning: ${dist}`);
  console.log(JSON.stringify({ scenario: 'machine', ...machine, scale: env.scale, ...(dist && { warning: dist }) }));
  const redis = await startStandalone(bins);
  const http = await startHttpSink();
  const profileDir = await mkdtemp(join(tmpdir(), 'otp-bench-profile-'));
  const ctx: BenchContext = {
    scale: env.scale,
    profile: env.profile,
    profileDir,
    rounds: env.rounds,
    bins,
    redis,
    http,
    log: (m) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`),
  };
  const targets: Target[] = [];
  let failures = 0;
  try {
    for (const scenario of SCENARIOS) {
      if (env.only && !env.only.has(scenario.name)) continue;
      try {
        const report = await scenario.run(ctx);
        console.log(`\n${formatTable(report)}`);
        console.log(jsonLine(report));
        targets.push(...report.targets);
      } catch (error) {
        failures += 1;
        console.log(JSON.stringify({ scenario: scenario.name, error: error instanceof Error ? error.message : String(error) }));
      }
    }
  } finally {
    await http.close();
    await redis.stop();
  }
  console.log(`\n== Targets (${Math.round((Date.now() - started) / 1000)} s)`);
  for (const t of targets) console.log(`${t.met ? 'MET   ' : 'MISSED'} ${t.name}: ${t.measured} (goal: ${t.goal})`);
  if (env.profile) {
    // One folder per profiled run; thread 0 is the worker's main thread (the others: tsx's loader).
    console.log(`cpu profiles in ${profileDir}; summarise with: node --import tsx bench/profile-summary.ts ${profileDir}/*/CPU.*.*.*.0.*.cpuprofile`);
  }
  return failures > 0 ? 1 : 0;
};

process.exitCode = await main();
