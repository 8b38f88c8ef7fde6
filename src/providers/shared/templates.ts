import { z } from 'zod';
import type { ContentType } from '../../messages/types.js';
import type { LocalTemplate } from '../types.js';

const contentTypeSchema = z.enum(['text/plain', 'text/html']);

/**
 * Logto's local template item: `{usageType, subject?, content, contentType | type}`.
 * `usageType` stays a string as in most Logto guards; unknown types are simply never chosen.
 */
export const logtoEmailTemplateSchema = z.strictObject({
  usageType: z.string().min(1),
  subject: z.string(),
  content: z.string(),
  contentType: contentTypeSchema.optional(),
  type: contentTypeSchema.optional(),
});

export const logtoSmsTemplateSchema = z.strictObject({
  usageType: z.string().min(1),
  content: z.string(),
});

/** A config's `templates` of Logto's local email items. @default [] (the worker's built-in templates apply) */
export const emailTemplatesField = z.array(logtoEmailTemplateSchema).optional();

/** A config's `templates` of Logto's `{usageType, content}` SMS items. @default [] (the worker's built-in templates apply) */
export const smsTemplatesField = z.array(logtoSmsTemplateSchema).optional();

type EmailTemplateInput = z.infer<typeof logtoEmailTemplateSchema>;
type SmsTemplateInput = z.infer<typeof logtoSmsTemplateSchema>;

/** Logto email templates → local templates. Without a content type, Logto sends HTML (SES) or text. */
export const toLocalEmailTemplates = (
  templates: readonly EmailTemplateInput[] | undefined,
  defaultContentType: ContentType = 'text/html',
): LocalTemplate[] =>
  (templates ?? []).map((t) => ({
    kind: 'local',
    usageType: t.usageType,
    subject: t.subject,
    content: t.content,
    contentType: t.contentType ?? t.type ?? defaultContentType,
  }));

export const toLocalSmsTemplates = (templates: readonly SmsTemplateInput[] | undefined): LocalTemplate[] =>
  (templates ?? []).map((t) => ({ kind: 'local', usageType: t.usageType, content: t.content, contentType: 'text/plain' }));
