import type { ScenarioContext, ScenarioResult } from '../lib/common.js';
import { networkFaults } from './network-faults.js';
import { poison } from './poison.js';
import { providerOutage } from './provider-outage.js';
import { redisRestart } from './redis-restart.js';
import { rollingDeploy } from './rolling-deploy.js';
import { sentinelFailover } from './sentinel-failover.js';
import { smsPumping } from './sms-pumping.js';
import { smtpTarpit } from './smtp-tarpit.js';
import { workerKill } from './worker-kill.js';

export const SCENARIOS: Record<string, (ctx: ScenarioContext) => Promise<ScenarioResult>> = {
  a: (ctx) => workerKill(ctx, 'courier'),
  a0: (ctx) => workerKill(ctx, 'plain'),
  b: redisRestart,
  c: providerOutage,
  d: poison,
  e: sentinelFailover,
  f: networkFaults,
  g: rollingDeploy,
  h: smtpTarpit,
  i: smsPumping,
};
