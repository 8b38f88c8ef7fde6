import type { Counter, Registry } from 'prom-client';
import { sharedCounter } from './once.js';

/**
 * Why a platform hook call was refused: `missing` (no signature or credentials), `signature`
 * (wrong signature or credentials), `stale` (Standard Webhooks timestamp outside the tolerance),
 * `malformed` (unreadable body), `unsupported` (an action or template type that is not a code).
 */
export const HOOK_REJECT_REASONS = ['missing', 'signature', 'stale', 'malformed', 'unsupported'] as const;
export type HookRejectReason = (typeof HOOK_REJECT_REASONS)[number];
export type HookPlatform = 'supabase' | 'kratos' | 'logto';

/** Exported by the ingest: hook calls (SPEC §9, §12) it refused. */
export const createHookRejectedCounter = (registry: Registry): Counter<'platform' | 'reason'> =>
  sharedCounter(registry, {
    name: 'otp_hook_rejected_total',
    help: 'Platform hook calls refused, by platform (supabase, kratos, logto) and reason (missing, signature, stale, malformed, unsupported).',
    labelNames: ['platform', 'reason'] as const,
  });

/** SPEC §12: codes reported used (`/v1/verified`, Logto's webhooks, `producer.verified`). `country` is ISO 3166 alpha-2, or `unknown` (email). */
export const createConversionsCounter = (registry: Registry): Counter<'channel' | 'country'> =>
  sharedCounter(registry, {
    name: 'otp_conversions_total',
    help: 'Codes reported used: the last code sent to that recipient was verified.',
    labelNames: ['channel', 'country'] as const,
  });

/** SPEC §12: requests a limit refused (`mode="enforce"`) or would have refused (`mode="observe"`). */
export const createLimitedCounter = (registry: Registry): Counter<'channel' | 'limit' | 'mode'> =>
  sharedCounter(registry, {
    name: 'otp_limited_total',
    help: 'Requests a limit refused (mode=enforce) or would have refused (mode=observe), by limit: recipient, ip, prefix, country, conversion.',
    labelNames: ['channel', 'limit', 'mode'] as const,
  });

/** SPEC §12: SMS enqueued, by destination country (ISO 3166 alpha-2, or `unknown`). */
export const createSendsByCountryCounter = (registry: Registry): Counter<'channel' | 'country'> =>
  sharedCounter(registry, {
    name: 'otp_sends_by_country_total',
    help: 'SMS enqueued, by destination country.',
    labelNames: ['channel', 'country'] as const,
  });

/**
 * Prefix blocks started by `limits.sms.minConversion` (one per block, whichever producer started it),
 * by the number's country and the mode (`observe`: the prefix would have been blocked).
 */
export const createPrefixBlocksCounter = (registry: Registry): Counter<'channel' | 'country' | 'mode'> =>
  sharedCounter(registry, {
    name: 'otp_prefix_blocks_total',
    help: 'Number prefixes blocked for a low conversion ratio (limits.sms.minConversion), by country and mode (enforce, observe).',
    labelNames: ['channel', 'country', 'mode'] as const,
  });
