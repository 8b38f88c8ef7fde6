import type { ScenarioContext, ScenarioResult } from '../lib/common.js';
import { poison } from './poison.js';
import { providerOutage } from './provider-outage.js';
import { redisRestart } from './redis-restart.js';
import { workerKill } from './worker-kill.js';

export const SCENARIOS: Record<string, (ctx: ScenarioContext) => Promise<ScenarioResult>> = {
  a: workerKill,
  b: redisRestart,
  c: providerOutage,
  d: poison,
};
