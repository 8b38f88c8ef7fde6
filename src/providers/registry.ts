import type { ProviderDefinition } from './types.js';
import { outboxProvider } from './outbox/index.js';
import { smtpProvider } from './smtp/index.js';
import { twilioSmsProvider } from './twilio-sms/index.js';

/** Every provider the config may name, by id (SPEC §4). */
export const BUILTIN_PROVIDERS: readonly ProviderDefinition[] = [outboxProvider, smtpProvider, twilioSmsProvider];

export type ProviderRegistry = ReadonlyMap<string, ProviderDefinition>;

export const createProviderRegistry = (definitions: readonly ProviderDefinition[] = BUILTIN_PROVIDERS): ProviderRegistry =>
  new Map(definitions.map((d) => [d.id, d]));
