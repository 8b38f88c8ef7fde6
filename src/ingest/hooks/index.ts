import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { PlatformHooksConfig } from '../../config/hooks-schema.js';
import { createHookRejectedCounter } from '../../metrics/platform-metrics.js';
import type { Producer } from '../../producer/index.js';
import { registerKratosHook } from './kratos.js';
import { registerLogtoHook } from './logto.js';
import { registerSupabaseHooks } from './supabase.js';
import { registerVerifiedRoute } from './verified.js';

export type PlatformHookOptions = {
  producer: Producer;
  registry: Registry;
  /** `ingest.supabase`, `ingest.kratos`, `ingest.logto`: a platform without its section has no route (404). */
  hooks: PlatformHooksConfig;
  enqueueTimeoutMs: number;
  /** `ingest.authorization` (for `/v1/verified`; each platform hook is verified its own way). */
  authorized: (header: string | undefined) => boolean;
};

/** SPEC §9 and §12: the identity platforms' hooks (docs/platforms.md) and `POST /v1/verified`. */
export const registerPlatformHooks = (app: FastifyInstance, options: PlatformHookOptions): void => {
  const { producer, hooks, enqueueTimeoutMs } = options;
  const rejected = createHookRejectedCounter(options.registry);
  registerVerifiedRoute(app, { producer, enqueueTimeoutMs, authorized: options.authorized });
  if (hooks.supabase) registerSupabaseHooks(app, { config: hooks.supabase, producer, enqueueTimeoutMs, rejected });
  if (hooks.kratos) registerKratosHook(app, { config: hooks.kratos, producer, enqueueTimeoutMs, rejected });
  if (hooks.logto) registerLogtoHook(app, { config: hooks.logto, producer, enqueueTimeoutMs, rejected });
};
