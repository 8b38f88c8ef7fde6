import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import type { RemoteTemplate } from '../types.js';

/** Postmark's production API. */
export const POSTMARK_API_URL = 'https://api.postmarkapp.com';

/** Logto's `{usageType, templateAlias}`: a template stored at Postmark, rendered there with the payload. */
const postmarkTemplateSchema = z.strictObject({
  usageType: z.string().min(1),
  templateAlias: z.string().min(1),
});

/** Logto's `connector-postmark` config, unchanged, plus `messageStream`, `endpoint` and `timeoutMs`. */
export const postmarkConfigSchema = z.strictObject({
  /** Server API token: sent as `X-Postmark-Server-Token`. */
  serverToken: z.string().min(1),
  /** `From`: a confirmed Sender Signature, optionally `Name <address>`. */
  fromEmail: z.string().min(1),
  /** Postmark template aliases by message type. @default [] (the worker's templates are sent as rendered mail) */
  templates: z.array(postmarkTemplateSchema).optional(),
  /** `MessageStream` of every send. @default 'outbound', Postmark's default transactional stream */
  messageStream: z.string().min(1).optional(),
  ...transportFields,
});

export type PostmarkConfig = z.infer<typeof postmarkConfigSchema>;

/** Logto's aliases as remote templates: Postmark renders them with the payload. */
export const toPostmarkTemplates = (templates: PostmarkConfig['templates']): RemoteTemplate[] =>
  (templates ?? []).map((t) => ({ kind: 'remote', usageType: t.usageType, ref: { templateAlias: t.templateAlias } }));
