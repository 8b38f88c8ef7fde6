import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import type { RemoteTemplate } from '../types.js';

/** Logto's `connector-tencent-sms` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const tencentSmsConfigSchema = z.strictObject({
  /** SecretId of a Tencent Cloud API key. */
  accessKeyId: z.string().min(1),
  /** SecretKey of that API key. */
  accessKeySecret: z.string().min(1),
  /** Approved SMS signature (签名) content. */
  signName: z.string().min(1),
  /** SMS application's SdkAppId (`1400…`). */
  sdkAppId: z.string().min(1),
  /** `X-TC-Region`, e.g. `ap-guangzhou`, `ap-beijing`, `ap-nanjing`. */
  region: z.string().min(1),
  /** Tencent sends approved templates only: at least one is needed (`Generic` covers every type). */
  templates: z.array(z.strictObject({ usageType: z.string().min(1), templateCode: z.string().min(1) })).min(1),
  ...transportFields,
});

export type TencentSmsConfig = z.infer<typeof tencentSmsConfigSchema>;

/** SendSms is served from one host for every region (`X-TC-Region` picks the region). */
export const DEFAULT_TENCENT_ENDPOINT = 'https://sms.tencentcloudapi.com';
export const TENCENT_SMS_VERSION = '2021-01-11';

export const tencentBaseUrl = (config: Pick<TencentSmsConfig, 'endpoint'>): string => config.endpoint ?? DEFAULT_TENCENT_ENDPOINT;

/** Logto's templates as remote templates: the worker hands the ref back in `content.ref`. */
export const toRemoteTemplates = (templates: TencentSmsConfig['templates']): RemoteTemplate[] =>
  templates.map(({ usageType, templateCode }) => ({ kind: 'remote', usageType, ref: { templateCode } }));
