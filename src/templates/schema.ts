import { z } from 'zod';
import { channelSchema, templateTypeSchema } from '../messages/types.js';
import { canonical } from './locale.js';

/** A BCP 47 language tag (any case): checked here so a bad one is a config error, not a start-up crash. */
export const localeTagSchema = z.string().min(1).refine((tag) => canonical(tag) !== undefined, 'must be a BCP 47 language tag, e.g. en, pt-BR, zh-Hant');

/** One entry of the config's `templates:` section; the resolver compiles these at start-up. */
export const configTemplateSchema = z.strictObject({
  channel: channelSchema,
  type: templateTypeSchema,
  /** BCP 47 tag; omitted = any language (used after the locale chain). */
  locale: localeTagSchema.optional(),
  subject: z.string().optional(),
  content: z.string(),
  /** Plain-text part for HTML mail; generated from content when absent. */
  text: z.string().optional(),
  /** @default text/plain for sms, text/html for email */
  contentType: z.enum(['text/plain', 'text/html']).optional(),
});

export type ConfigTemplate = z.infer<typeof configTemplateSchema>;
