import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** The host the figures came from: they mean little without it. */
export const describeMachine = async (redisVersion: string) => {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  return {
    cpus: availableParallelism(),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: redisVersion,
    /** 1-minute load average when the run started: other work on the host skews every figure. */
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
};
