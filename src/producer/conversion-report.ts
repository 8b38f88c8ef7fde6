import type { Cluster, Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { conversionPolicy } from '../limits/conversion-limit.js';
import { createConversions, type PrefixBlock, type SentCode } from '../limits/conversions.js';
import type { LimitHashingSource } from '../limits/limit-key.js';
import type { ProducerLimits } from '../limits/producer-limits.js';
import { createConversionsCounter, createPrefixBlocksCounter, createSendsByCountryCounter } from '../metrics/platform-metrics.js';
import type { ValidVerifiedInput } from './input.js';

/** Where the producer reports a prefix block (a pino logger fits). Never given a recipient or a code. */
export type ProducerLogger = { warn(fields: Record<string, unknown>, message: string): void };

export type ConversionReportOptions = {
  prefix: string;
  queue: string;
  limits: ProducerLimits | undefined;
  registry: Registry | undefined;
  logger: ProducerLogger | undefined;
};

/**
 * The producer's side of SPEC §12 conversions: the marks a send leaves (and its count in its
 * prefix's `minConversion` window), the reports that a code was used, their metrics
 * (`otp_sends_by_country_total`, `otp_conversions_total`, `otp_prefix_blocks_total`) and the one
 * log line per prefix block.
 */
export const createConversionReport = (redis: Redis | Cluster, hashing: LimitHashingSource, options: ConversionReportOptions) => {
  const { prefix, queue, limits, registry, logger } = options;
  const policy = conversionPolicy(limits?.sms, limits?.mode);
  const conversions = createConversions(redis, hashing, { prefix, queue, policy });
  const converted = registry ? createConversionsCounter(registry) : undefined;
  const blocks = registry ? createPrefixBlocksCounter(registry) : undefined;
  const byCountry = registry ? createSendsByCountryCounter(registry) : undefined;
  const blockSeconds = limits?.sms?.minConversion?.blockSeconds;
  return {
    /**
     * Writes the marks of a send, and counts the send in its prefix's windows. Never throws: the
     * marks are a signal, and losing one never fails the send. It may go out beside the enqueue;
     * `counted` then follows once the job is stored.
     */
    mark: (code: SentCode): Promise<PrefixBlock | undefined> => conversions.noteSent(code).catch(() => undefined),
    /** After the enqueue stored the job: the send's metrics, and the block its mark started (counted and logged once). */
    counted(code: SentCode, block: PrefixBlock | undefined): void {
      if (code.channel === 'sms') byCountry?.inc({ channel: 'sms', country: code.country ?? 'unknown' });
      if (!block) return;
      const country = block.country ?? 'unknown';
      blocks?.inc({ channel: 'sms', country, mode: block.mode });
      logger?.warn({ prefix: block.prefix, country, mode: block.mode, sent: block.sent, used: block.used, blockSeconds }, 'prefix blocked');
    },
    /** A used code, by recipient or by message id; `converted` only when it was still the pending code. */
    async verified(input: ValidVerifiedInput): Promise<{ converted: boolean }> {
      const result = 'id' in input ? await conversions.recordId(input.id) : { ...(await conversions.record(input.channel, input.to)), channel: input.channel, country: input.country };
      if (result.converted && result.channel) converted?.inc({ channel: result.channel, country: result.country ?? 'unknown' });
      return { converted: result.converted };
    },
  };
};
