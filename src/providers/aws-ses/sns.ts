import { createVerify, type X509Certificate } from 'node:crypto';
import { z } from 'zod';

/** The `Type` of what SNS posts to an HTTP(S) subscriber (also sent as `x-amz-sns-message-type`). */
export const SNS_MESSAGE_TYPES = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const;

/**
 * The JSON body SNS posts (raw message delivery off). Unknown fields (`UnsubscribeURL`,
 * `MessageAttributes`) are dropped: the signature covers only the fields below.
 */
export const snsEnvelopeSchema = z.object({
  Type: z.enum(SNS_MESSAGE_TYPES),
  MessageId: z.string().min(1).max(128),
  TopicArn: z.string().min(1).max(512),
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string().min(1).max(64),
  /** 1: SHA1withRSA (the default of a topic); 2: SHA256withRSA. */
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1).max(4096),
  SigningCertURL: z.string().min(1).max(2048),
  SubscribeURL: z.string().max(4096).optional(),
  Token: z.string().max(4096).optional(),
});

export type SnsEnvelope = z.infer<typeof snsEnvelopeSchema>;

type SignedField = 'Message' | 'MessageId' | 'Subject' | 'SubscribeURL' | 'Timestamp' | 'Token' | 'TopicArn' | 'Type';

/** The fields each type signs, in the order AWS documents ("Verifying the signatures of Amazon SNS messages"). */
const SIGNED_FIELDS: Readonly<Record<SnsEnvelope['Type'], readonly SignedField[]>> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/**
 * The string SNS signs: `name\nvalue\n` for each signed field, values as the JSON decoded them.
 * `Subject` is left out when absent; any other absent field means there is nothing to verify.
 */
export const snsStringToSign = (envelope: SnsEnvelope): string | undefined => {
  let text = '';
  for (const name of SIGNED_FIELDS[envelope.Type]) {
    const value = envelope[name];
    if (value === undefined || value === null) {
      if (name === 'Subject') continue;
      return undefined;
    }
    text += `${name}\n${value}\n`;
  }
  return text;
};

const ALGORITHMS: Readonly<Record<SnsEnvelope['SignatureVersion'], string>> = { '1': 'RSA-SHA1', '2': 'RSA-SHA256' };

/** Whether `Signature` (base64) is the certificate's RSA signature of the envelope's string to sign. */
export const hasValidSnsSignature = (envelope: SnsEnvelope, certificate: X509Certificate): boolean => {
  const text = snsStringToSign(envelope);
  if (text === undefined) return false;
  try {
    return createVerify(ALGORITHMS[envelope.SignatureVersion]).update(text, 'utf8').verify(certificate.publicKey, Buffer.from(envelope.Signature, 'base64'));
  } catch {
    return false;
  }
};

/** SNS retries an HTTP(S) delivery for at most 3,600 s (a hard limit of its delivery policy): older is a replay. */
export const SNS_MAX_AGE_SECONDS = 3600;
/** How far ahead of our clock an SNS `Timestamp` may be (clock skew). */
export const SNS_CLOCK_SKEW_SECONDS = 300;

/** Whether an SNS `Timestamp` (ISO 8601) is at most an hour old and not ahead of us beyond the skew. */
export const isFreshSnsTimestamp = (timestamp: string, nowMs: number): boolean => {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return false;
  const ageSeconds = (nowMs - at) / 1000;
  return ageSeconds <= SNS_MAX_AGE_SECONDS && ageSeconds >= -SNS_CLOCK_SKEW_SECONDS;
};
