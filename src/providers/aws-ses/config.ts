import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import { emailTemplatesField } from '../shared/templates.js';

/** Logto's `connector-aws-ses` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const awsSesConfigSchema = z.strictObject({
  /** Static IAM access key id: the SigV4 credential. */
  accessKeyId: z.string().min(1),
  /** The IAM secret access key (Logto's name for `secretAccessKey`). */
  accessKeySecret: z.string().min(1),
  /** SES region (`us-east-1`, `eu-west-1`, …): picks the endpoint `email.<region>.amazonaws.com` and the signing scope. */
  region: z.string().min(1),
  /** `FromEmailAddress`: a verified identity, optionally `Name <address>`. @default none (SES then needs `emailAddressIdentityArn`) */
  emailAddress: z.string().optional(),
  /** `FromEmailAddressIdentityArn`, for sending authorization (cross-account identities). */
  emailAddressIdentityArn: z.string().optional(),
  /** Logto's `{usageType, subject, content}` templates; content is HTML. @default [] (the worker's built-in templates apply) */
  templates: emailTemplatesField,
  /** `FeedbackForwardingEmailAddress`: where bounces and complaints go. @default the sender */
  feedbackForwardingEmailAddress: z.string().optional(),
  /** `FeedbackForwardingEmailAddressIdentityArn`. */
  feedbackForwardingEmailAddressIdentityArn: z.string().optional(),
  /** `ConfigurationSetName`: event destinations, IP pool, tracking. @default none */
  configurationSetName: z.string().optional(),
  ...transportFields,
});

export type AwsSesConfig = z.infer<typeof awsSesConfigSchema>;
