import { z } from 'zod';
import { FORGED, MALFORMED, readJson, vendorTime } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptStatus, type ReceiptTools, type ReceiptVerdict } from '../../receipts/types.js';
import type { AwsSesConfig } from './config.js';
import { createSnsCertStore, DEFAULT_CERT_URL_PATTERN } from './sns-certs.js';
import { hasValidSnsSignature, isFreshSnsTimestamp, SNS_CLOCK_SKEW_SECONDS, SNS_MAX_AGE_SECONDS, snsEnvelopeSchema, type SnsEnvelope } from './sns.js';

/** AWS's subscription confirmation links: `https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription&…`. */
export const DEFAULT_SUBSCRIBE_URL_PATTERN = String.raw`^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/\?Action=ConfirmSubscription&`;

/** A regular expression's source, refused at start-up when it does not compile. */
const regexField = z.string().min(1).refine((source) => {
  try {
    return new RegExp(source).source.length > 0;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/** The connector's `receipts:` block: SES events arrive through SNS topics. */
export const awsSesReceiptsSchema = z.strictObject({
  /** The SNS topics the configuration set's event destination publishes to; any other topic is refused. */
  topicArns: z.array(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w.-]+$/, 'an SNS topic ARN')).min(1),
  /** Allowed `SigningCertURL`s (a regular expression). @default AWS's SNS hosts, HTTPS only */
  certUrlPattern: regexField.default(DEFAULT_CERT_URL_PATTERN),
  /** Allowed `SubscribeURL`s, confirmed with a GET. @default AWS's SNS hosts, HTTPS only */
  subscribeUrlPattern: regexField.default(DEFAULT_SUBSCRIBE_URL_PATTERN),
  /** `ConfigurationSetName` sent with every message (overrides `config.configurationSetName`), so its events flow. */
  configurationSet: z.string().min(1).max(64).optional(),
});

export type AwsSesReceipts = z.infer<typeof awsSesReceiptsSchema>;

const timestamp = z.string().optional().catch(undefined);
const token = z.string().optional().catch(undefined);

/** The parts of an SES event (event publishing: `eventType`; identity notifications: `notificationType`) read here. */
const sesEventSchema = z.object({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  mail: z.object({ messageId: z.string().min(1).max(256), timestamp }).optional(),
  bounce: z.object({ bounceType: z.string().optional(), bounceSubType: token, timestamp }).optional(),
  complaint: z.object({ complaintSubType: z.string().nullish(), complaintFeedbackType: token, timestamp }).optional(),
  delivery: z.object({ timestamp }).optional(),
  deliveryDelay: z.object({ delayType: token, timestamp }).optional(),
});

export type SesEvent = z.infer<typeof sesEventSchema>;

/** SES event types that say what became of a message. Send, Open, Click, Subscription are not returned. */
export const SES_EVENT_STATUS: ReadonlyMap<string, ReceiptStatus> = new Map<string, ReceiptStatus>([
  ['Delivery', 'delivered'],
  // SES reports a bounce only once it has stopped retrying, Transient ones included: final.
  ['Bounce', 'undelivered'],
  ['Complaint', 'complained'],
  // Still retrying (DeliveryDelay object: `delayType`, `expirationTime`).
  ['DeliveryDelay', 'deferred'],
  // A virus found: SES stops processing the message.
  ['Reject', 'undelivered'],
  // A template failed to render: nothing was sent.
  ['Rendering Failure', 'undelivered'],
]);

/** `bounceType` → hard bounce. Undetermined: SES could not tell, so not reported as hard. */
export const SES_BOUNCE_PERMANENT: ReadonlyMap<string, boolean> = new Map([
  ['Permanent', true],
  ['Transient', false],
  ['Undetermined', false],
]);

/** A `complaintSubType` meaning SES did not send at all: the address is on the account's suppression list. */
const SUPPRESSED = 'OnAccountSuppressionList';

/** A vendor code only when it is a short token (`NoEmail`, `abuse`): never free text, never an address. */
const asCode = (value: string | undefined): string | undefined => (value !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : undefined);

/** What one SES event says about its message, or undefined when it says nothing about delivery. */
export const sesReceipt = (event: SesEvent, fallbackAt?: number): Omit<Receipt, 'providerMessageId'> | undefined => {
  const type = event.eventType ?? event.notificationType ?? '';
  const status = SES_EVENT_STATUS.get(type);
  if (status === undefined) return undefined;
  const atOf = (value: string | undefined): number | undefined => vendorTime(value) ?? vendorTime(event.mail?.timestamp) ?? fallbackAt;
  switch (type) {
    case 'Delivery':
      return { status, at: atOf(event.delivery?.timestamp) };
    case 'Bounce':
      return { status, at: atOf(event.bounce?.timestamp), code: asCode(event.bounce?.bounceSubType), permanent: SES_BOUNCE_PERMANENT.get(event.bounce?.bounceType ?? '') ?? false };
    case 'Complaint':
      if (event.complaint?.complaintSubType === SUPPRESSED) return { status: 'undelivered', at: atOf(event.complaint.timestamp), code: SUPPRESSED, permanent: true };
      return { status, at: atOf(event.complaint?.timestamp), code: asCode(event.complaint?.complaintFeedbackType) };
    case 'DeliveryDelay':
      return { status, at: atOf(event.deliveryDelay?.timestamp), code: asCode(event.deliveryDelay?.delayType) };
    default:
      return { status, at: atOf(undefined), code: asCode(type.replace(/\s+/g, '')) };
  }
};

const withoutUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The receipts in an SNS Notification's `Message` (an SES event as JSON); MALFORMED when it is not one. */
const readSesNotification = (envelope: SnsEnvelope): ReceiptVerdict => {
  let value: unknown;
  try {
    value = JSON.parse(envelope.Message);
  } catch {
    return MALFORMED;
  }
  const parsed = sesEventSchema.safeParse(value);
  if (!parsed.success) return MALFORMED;
  const outcome = sesReceipt(parsed.data, vendorTime(envelope.Timestamp));
  if (outcome === undefined) return { ok: true, receipts: [] };
  const messageId = parsed.data.mail?.messageId;
  if (messageId === undefined) return MALFORMED;
  return { ok: true, receipts: [withoutUndefined({ providerMessageId: messageId, ...outcome })] };
};

/** A claim outlives the window in which SNS may still deliver the message. */
const ONCE_TTL_SECONDS = SNS_MAX_AGE_SECONDS + SNS_CLOCK_SKEW_SECONDS;

/**
 * Confirms a subscription by the GET SNS asks for, only to an allowed URL. A failed GET answers
 * 502 so SNS sends the confirmation again (confirming twice is harmless, so it is not claimed once).
 */
const confirmSubscription = async (envelope: SnsEnvelope, subscribeUrl: RegExp, tools: ReceiptTools): Promise<ReceiptVerdict> => {
  const url = envelope.SubscribeURL;
  if (url === undefined || !subscribeUrl.test(url)) return FORGED;
  try {
    await tools.fetchText(url);
  } catch {
    tools.logger.warn({ provider: 'aws-ses' }, 'SNS subscription confirmation failed; SNS will send it again');
    return { ok: true, receipts: [], reply: { status: 502, contentType: 'application/json', body: '{"ok":false}' } };
  }
  tools.logger.info({ provider: 'aws-ses', topicArn: envelope.TopicArn }, 'SNS subscription confirmed');
  return { ok: true, receipts: [] };
};

/** Amazon SES events through SNS: the SNS signature (versions 1 and 2) with an allowed certificate, topic and time. */
export const awsSesReceipts = defineReceipts<AwsSesConfig, typeof awsSesReceiptsSchema>({
  schema: awsSesReceiptsSchema,
  create(receipts, _config, tools) {
    const topics = new Set(receipts.topicArns);
    const certs = createSnsCertStore((url) => tools.fetchText(url), new RegExp(receipts.certUrlPattern));
    const subscribeUrl = new RegExp(receipts.subscribeUrlPattern);
    /** The envelope when SNS sent it (checks that need no network first), else undefined. */
    const authentic = async (request: ReceiptRequest): Promise<SnsEnvelope | undefined> => {
      const envelope = readJson(request, snsEnvelopeSchema);
      if (envelope === undefined) return undefined;
      const header = request.headers['x-amz-sns-message-type'];
      if (header !== undefined && header !== envelope.Type) return undefined;
      if (!topics.has(envelope.TopicArn) || !isFreshSnsTimestamp(envelope.Timestamp, request.now)) return undefined;
      const cert = await certs.get(envelope.SigningCertURL, request.now);
      return cert !== undefined && hasValidSnsSignature(envelope, cert) ? envelope : undefined;
    };
    return {
      async verify(request) {
        const envelope = await authentic(request);
        if (envelope === undefined) return FORGED;
        if (envelope.Type === 'SubscriptionConfirmation') return confirmSubscription(envelope, subscribeUrl, tools);
        // Per connector (the path names it): two connectors may subscribe to one topic.
        const path = request.url.split('?')[0] ?? '';
        if (!(await tools.claimOnce(`aws-ses:${path}:${envelope.MessageId}`, ONCE_TTL_SECONDS))) return FORGED;
        if (envelope.Type === 'UnsubscribeConfirmation') {
          tools.logger.warn({ provider: 'aws-ses', topicArn: envelope.TopicArn }, 'SNS subscription removed: no more SES receipts from this topic');
          return { ok: true, receipts: [] };
        }
        return readSesNotification(envelope);
      },
    };
  },
});
