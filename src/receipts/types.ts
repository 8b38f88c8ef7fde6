import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * Normalised receipt statuses (SPEC §8). `deferred` is not final (the vendor will try again);
 * the other three are. The latest final status of a send stands.
 */
export const RECEIPT_STATUSES = ['delivered', 'undelivered', 'complained', 'deferred'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const isFinalStatus = (status: ReceiptStatus): boolean => status !== 'deferred';

/** One vendor event about one sent message, normalised by the provider's receipts module. */
export type Receipt = {
  /** The id the vendor returned when it accepted the send (`SendResult.providerMessageId`). */
  providerMessageId: string;
  status: ReceiptStatus;
  /** When the vendor says it happened (ms since the epoch); the time of receipt when it says nothing. */
  at?: number;
  /** The vendor's status or error code as a short token (`30003`, `hard`, `550`): never free text from the body. */
  code?: string;
  /** `undelivered` email only: a permanent (hard) bounce, as opposed to a transient one. */
  permanent?: boolean;
};

/** An inbound vendor webhook as the ingest received it. */
export type ReceiptRequest = {
  /**
   * The URL the vendor called, as the vendor knows it: `ingest.publicUrl` + path + query string
   * (Twilio signs it). Without a `publicUrl`, the URL as the ingest saw it.
   */
  url: string;
  /** Lower-case names, first value of each. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Query parameters, first value of each. */
  query: Readonly<Record<string, string>>;
  /** The body's exact bytes: signatures are over them. Bounded by `ingest.bodyLimitBytes`. */
  rawBody: Buffer;
  /** Time of receipt, ms since the epoch. */
  now: number;
};

/**
 * What a verifier made of a request. `reply` replaces the default `200 {"ok":true}` (a vendor that
 * expects a particular answer). `signature` covers every failed check of who sent it: a missing or
 * wrong signature, token or authorization, a timestamp outside the window, a reused once-only token.
 */
export type ReceiptVerdict =
  | { ok: true; receipts: Receipt[]; reply?: { status?: number; contentType?: string; body: string } }
  | { ok: false; reason: 'signature' | 'malformed' };

/** What a verifier may use besides the request: all bounded, all fleet-wide. */
export type ReceiptTools = {
  /** True the first time `key` is claimed within `ttlSeconds`, fleet-wide (Redis SET NX): once-only tokens. */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /** A GET with a deadline and a body cap (64 KiB): SNS certificates and subscription confirmations. Throws on non-2xx. */
  fetchText(url: string): Promise<string>;
  logger: Logger;
};

export type ReceiptVerifier = {
  /** Never throws for bad input: forged, stale or unreadable requests are verdicts. */
  verify(request: ReceiptRequest): Promise<ReceiptVerdict>;
};

/**
 * A provider's receipts: the schema of the connector's `receipts` block (strict) and a factory
 * given that block and the connector's provider config (Twilio verifies with `config.authToken`).
 */
export type ReceiptDefinition<Config = unknown, Schema extends z.ZodType = z.ZodType> = {
  schema: Schema;
  create(receipts: z.infer<Schema>, config: Config, tools: ReceiptTools): ReceiptVerifier;
};

/** Keeps a receipts definition's block type tied to its schema and its provider's config type. */
export const defineReceipts = <Config, Schema extends z.ZodType>(definition: ReceiptDefinition<Config, Schema>): ReceiptDefinition<Config, Schema> => definition;
