import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Test-only signing for SNS messages, written from AWS's documentation ("Verifying the signatures
 * of Amazon SNS messages") independently of src/. The key and the self-signed certificate in
 * fixtures/ were made once with openssl for these tests: not a secret, they sign nothing real.
 */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

export const TEST_CERT_PEM = fixture('aws-ses-sns-test-only.cert.pem');
const TEST_KEY = createPrivateKey(fixture('aws-ses-sns-test-only.key.pem'));

/** AWS's documented SES event records (event publishing to SNS), by event type. */
export const SES_SAMPLE_EVENTS = JSON.parse(fixture('aws-ses-events.json')) as Record<'Bounce' | 'Complaint' | 'Delivery' | 'DeliveryDelay' | 'Send', Record<string, unknown>>;

export type SnsFields = {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SubscribeURL?: string;
  Token?: string;
};

export type SignedSns = SnsFields & { SignatureVersion: '1' | '2'; Signature: string; SigningCertURL: string; UnsubscribeURL?: string };

/** The documented string to sign: "name\nvalue\n" for each field in order (Subject only when present). */
const stringToSign = (f: SnsFields): string => {
  const names = f.Type === 'Notification'
    ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return names
    .filter((name) => f[name as keyof SnsFields] !== undefined)
    .map((name) => `${name}\n${f[name as keyof SnsFields]}\n`)
    .join('');
};

/** Signs `fields` the way SNS does: SHA1withRSA for version 1, SHA256withRSA for version 2. */
export const signSns = (fields: SnsFields, version: '1' | '2', certUrl: string): SignedSns => ({
  ...fields,
  SignatureVersion: version,
  Signature: createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256').update(stringToSign(fields), 'utf8').sign(TEST_KEY, 'base64'),
  SigningCertURL: certUrl,
});

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ses-events';

/** An SNS Notification carrying `message` (an SES event object is sent as its JSON), signed. */
export const snsNotification = (
  message: unknown,
  { certUrl, version = '1', topicArn = TOPIC_ARN, now = Date.now(), subject }: { certUrl: string; version?: '1' | '2'; topicArn?: string; now?: number; subject?: string },
): SignedSns => ({
  ...signSns(
    {
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: topicArn,
      ...(subject === undefined ? {} : { Subject: subject }),
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: new Date(now).toISOString(),
    },
    version,
    certUrl,
  ),
  UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:c9135db0-26c4-47ec-8998-413945fb5a96`,
});

/** A SubscriptionConfirmation whose SubscribeURL is `subscribeUrl`, signed. */
export const snsSubscriptionConfirmation = (
  { certUrl, subscribeUrl, type = 'SubscriptionConfirmation', now = Date.now() }: { certUrl: string; subscribeUrl: string; type?: SnsFields['Type']; now?: number },
): SignedSns =>
  signSns(
    {
      Type: type,
      MessageId: randomUUID(),
      Token: '2336412f37fb687f5d51e6e2425dacbba6354994a2bc07deffa4466da390cf4fb2768da190a7d98be6a202eb7222099c84c536a5d1a3f25',
      TopicArn: TOPIC_ARN,
      Message: `You have chosen to subscribe to the topic ${TOPIC_ARN}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: subscribeUrl,
      Timestamp: new Date(now).toISOString(),
    },
    '1',
    certUrl,
  );
