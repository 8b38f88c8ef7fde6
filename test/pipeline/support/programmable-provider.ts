import { z } from 'zod';
import { defineProvider, type OutgoingMessage, type ProviderDefinition, type SendContext, type SendResult } from '../../../src/providers/types.js';

export type Behaviour = (message: OutgoingMessage, ctx: SendContext) => Promise<SendResult>;

/**
 * A test provider whose every answer comes from `behave` (swap it at any time); it counts calls and
 * records the messages it accepted (those for which `behave` resolved).
 */
export type ProgrammableProvider = {
  definition: ProviderDefinition;
  calls: number;
  sent: OutgoingMessage[];
  /** When each call started (Date.now()). */
  times: number[];
  behave: Behaviour;
};

export const accept: Behaviour = async () => ({});

/** Hangs until the send is aborted, then rejects with `error()` (as the HTTP client does). */
export const hangUntilAborted =
  (error: () => unknown): Behaviour =>
    (_message, { signal }) =>
      new Promise((_resolve, reject) => {
        if (signal.aborted) reject(error());
        else signal.addEventListener('abort', () => reject(error()), { once: true });
      });

export const createProgrammableProvider = (id: string, options: { acceptsRenderedContent?: boolean } = {}): ProgrammableProvider => {
  const state: ProgrammableProvider = {
    calls: 0,
    sent: [],
    times: [],
    behave: accept,
    definition: defineProvider({
      id,
      channels: ['email', 'sms'],
      configSchema: z.strictObject({}),
      create: () => ({
        templates: [],
        acceptsRenderedContent: options.acceptsRenderedContent ?? true,
        async send(message, ctx) {
          state.calls += 1;
          state.times.push(Date.now());
          const result = await state.behave(message, ctx);
          state.sent.push(message);
          return result;
        },
        async close() {},
      }),
    }),
  };
  return state;
};
