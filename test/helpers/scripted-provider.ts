import { z } from 'zod';
import { DeliveryError } from '../../src/errors/delivery-error.js';
import { defineProvider, type OutgoingMessage, type ProviderDefinition } from '../../src/providers/types.js';

export type Step = 'ok' | { fail: 'retryable' | 'permanent' | 'rate_limited'; code?: string; retryAfterMs?: number; scope?: 'message' | 'connector' };

/**
 * A test provider whose answers follow a script (then repeat the last step); it records every
 * message it was asked to send. Registered next to the built-in providers through the registry.
 */
export type ScriptedProvider = {
  definition: ProviderDefinition;
  sent: OutgoingMessage[];
  calls: number;
  script(steps: Step[]): void;
};

export const createScriptedProvider = (id = 'scripted', initial: Step[] = ['ok']): ScriptedProvider => {
  let steps = [...initial];
  const state: ScriptedProvider = {
    sent: [],
    calls: 0,
    script(next) {
      steps = [...next];
    },
    definition: defineProvider({
      id,
      channels: ['email', 'sms'],
      configSchema: z.strictObject({}),
      create: () => ({
        templates: [],
        acceptsRenderedContent: true,
        async send(message) {
          state.calls += 1;
          const step = steps.length > 1 ? steps.shift() : steps[0];
          if (!step || step === 'ok') {
            state.sent.push(message);
            return {};
          }
          throw new DeliveryError({ kind: step.fail, provider: id, code: step.code ?? `scripted_${step.fail}`, message: `scripted ${step.fail}`, ...(step.retryAfterMs !== undefined && { retryAfterMs: step.retryAfterMs }), ...(step.scope && { scope: step.scope }) });
        },
        async close() {},
      }),
    }),
  };
  return state;
};
