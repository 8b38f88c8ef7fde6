import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import type { RemoteTemplate } from '../types.js';

/**
 * Logto's `SmsTemplateType`: 0 notification, 1 promotion, 2 verification code, 6 international,
 * 7 pure international. Informational only: it is not sent to Aliyun.
 */
const smsTemplateTypeSchema = z.literal([0, 1, 2, 6, 7]);

/** A template code, or one for mainland China numbers and one for the rest of the world. */
export const templateCodeSchema = z.union([
  z.string().min(1),
  z.strictObject({ china: z.string().min(1), overseas: z.string().min(1) }),
]);
export type TemplateCode = z.infer<typeof templateCodeSchema>;

export const aliyunSmsTemplateSchema = z.strictObject({
  /** @default 2 (verification code), as in Logto */
  type: smsTemplateTypeSchema.default(2),
  usageType: z.string().min(1),
  templateCode: templateCodeSchema,
});

/** Logto's `connector-aliyun-sms` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const aliyunSmsConfigSchema = z.strictObject({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  /** Approved signature name (签名). */
  signName: z.string().min(1),
  /** Aliyun sends approved templates only: at least one is needed (`Generic` covers every type). */
  templates: z.array(aliyunSmsTemplateSchema).min(1),
  /**
   * Logto: when true, only numbers with a +86/0086/86 prefix count as mainland China; when false,
   * any bare 11-digit number does too. Numbers here are E.164, so their country is always known
   * and the flag only matters for numbers without `+`. @default false
   */
  strictPhoneRegionNumberCheck: z.boolean().optional(),
  ...transportFields,
});

export type AliyunSmsConfig = z.infer<typeof aliyunSmsConfigSchema>;

/** SendSms endpoint (Short Message Service API, version 2017-05-25). */
export const DEFAULT_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com';

/** Logto's templates as remote templates: the worker hands the ref back in `content.ref`. */
export const toRemoteTemplates = (templates: AliyunSmsConfig['templates']): RemoteTemplate[] =>
  templates.map(({ usageType, templateCode, type }) => ({ kind: 'remote', usageType, ref: { templateCode, type } }));
