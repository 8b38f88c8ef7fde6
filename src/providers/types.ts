import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Channel, ContentType, Payload, TemplateType } from '../messages/types.js';
import type { ReceiptDefinition } from '../receipts/types.js';

/** A template the connector's own config carries, normalised from Logto's shapes. */
export type ConnectorTemplate = LocalTemplate | RemoteTemplate;

/** Rendered here: `{{code}}` and friends are replaced by the worker. */
export type LocalTemplate = {
  kind: 'local';
  usageType: string;
  subject?: string;
  content: string;
  contentType: ContentType;
  /** Plain-text part for HTML mail; generated from `content` when absent. */
  text?: string;
  replyTo?: string;
};

/** Rendered by the vendor (Postmark alias, Mailgun template, Aliyun/Tencent template code). */
export type RemoteTemplate = {
  kind: 'remote';
  usageType: string;
  /** Provider-specific reference, e.g. `{ templateAlias }` or `{ templateCode }`. */
  ref: Readonly<Record<string, unknown>>;
};

export type RenderedEmail = {
  kind: 'email';
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
};
export type RenderedSms = { kind: 'sms'; text: string };
export type RemoteContent = { kind: 'remote'; ref: Readonly<Record<string, unknown>> };
export type MessageContent = RenderedEmail | RenderedSms | RemoteContent;

/** What a provider is asked to deliver: one message to one recipient, already decrypted. */
export type OutgoingMessage = {
  /** Stable across retries: use it for vendor idempotency keys and `webhook-id`. */
  id: string;
  channel: Channel;
  /** Email address, or E.164 phone number for SMS. */
  to: string;
  type: TemplateType;
  /** Resolved language tag (`en`, `zh-Hant-TW`, …). */
  locale: string;
  /** The producer's payload, unchanged. */
  payload: Payload;
  ip?: string;
  content: MessageContent;
};

export type SendContext = {
  /** Aborted on timeout or shutdown: pass it to every I/O call. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * Where the vendor should post this message's receipts (`ingest.publicUrl` +
   * `/v1/receipts/<channel>/<connector>`), set when the connector has a `receipts` block and
   * `ingest.publicUrl` is configured. Vendors that take a per-message callback get it (Twilio
   * `StatusCallback`, Vonage `callback`); the others ignore it.
   */
  receiptUrl?: string;
};

export type SendResult = {
  providerMessageId?: string;
  /**
   * The vendor answered 2xx with a body the connector does not recognise. The message counts as
   * accepted (never resent: the vendor took it); the worker counts it in
   * `otp_provider_unexpected_responses_total{provider}` and logs it without the body.
   */
  unexpectedResponse?: true;
};

/** A built connector: created once at start-up from its validated config, reused for every message. */
export type Provider = {
  readonly id: string;
  readonly channel: Channel;
  /** Templates from the connector config (Logto shapes, normalised). */
  readonly templates: readonly ConnectorTemplate[];
  /**
   * Whether the connector can send text rendered here. False for vendors that only send
   * pre-registered templates (Aliyun SMS, Tencent SMS): then only its remote templates apply.
   */
  readonly acceptsRenderedContent: boolean;
  /** Throws `DeliveryError` on failure. */
  send(message: OutgoingMessage, ctx: SendContext): Promise<SendResult>;
  /** Releases pooled connections. */
  close(): Promise<void>;
};

export type ProviderDeps = {
  /** The connector's name in the config (`primary`, `backup`). */
  name: string;
  channel: Channel;
  logger: Logger;
  /** The connector's `receipts` block as the provider's receipts schema parsed it; absent when receipts are off. */
  receipts?: unknown;
};

/** One per provider folder: its config schema and a factory. */
export type ProviderDefinition<Schema extends z.ZodType = z.ZodType> = {
  id: string;
  channels: readonly Channel[];
  /** Logto's connector config, plus optional `endpoint` and `timeoutMs`. Strict: unknown keys are errors. */
  configSchema: Schema;
  /** Builds the connector; the framework (`instantiate`) sets its `id` and `channel`. */
  create(config: z.infer<Schema>, deps: ProviderDeps): ProviderImpl;
  /** Delivery receipts (SPEC §8): the connector's `receipts` block and its webhook verifier. Absent: none. */
  receipts?: ReceiptDefinition<z.infer<Schema>>;
};

/** What a provider's factory returns: `id` and `channel` come from the definition and the config, through `instantiate`. */
export type ProviderImpl = Omit<Provider, 'id' | 'channel'>;

/** Keeps the definition's config type tied to its schema. */
export const defineProvider = <Schema extends z.ZodType>(definition: ProviderDefinition<Schema>): ProviderDefinition<Schema> =>
  definition;

/** A provider built from a config already validated by the definition's schema, with `id` and `channel` set here. */
export const instantiate = <Schema extends z.ZodType>(definition: ProviderDefinition<Schema>, config: z.infer<Schema>, deps: ProviderDeps): Provider => {
  const impl = definition.create(config, deps);
  return {
    id: definition.id,
    channel: deps.channel,
    templates: impl.templates,
    acceptsRenderedContent: impl.acceptsRenderedContent,
    send: (message, ctx) => impl.send(message, ctx),
    close: () => impl.close(),
  };
};
