import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import { logtoEmailTemplateSchema } from '../shared/templates.js';

/** The Direct Mail regions Logto offers. */
export const DM_REGIONS = ['cn-hangzhou', 'ap-southeast-1', 'ap-southeast-2', 'eu-central-1', 'us-east-1'] as const;
export type DmRegionId = (typeof DM_REGIONS)[number];

/**
 * Public API endpoint of a region (Aliyun Direct Mail "API endpoints"): `dm.aliyuncs.com` for
 * Hangzhou, `dm.<region>.aliyuncs.com` elsewhere.
 */
export const dmRegionEndpoint = (region: DmRegionId): string =>
  region === 'cn-hangzhou' ? 'https://dm.aliyuncs.com' : `https://dm.${region}.aliyuncs.com`;

/** Logto's `connector-aliyun-dm` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const aliyunDmConfigSchema = z.strictObject({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  /** Region of the sender address (addresses are per region). @default 'cn-hangzhou' */
  regionId: z.enum(DM_REGIONS).optional(),
  /** Sender address configured in the Direct Mail console. */
  accountName: z.string().min(1),
  /** Sender nickname (Direct Mail limits it to 15 characters). */
  fromAlias: z.string().optional(),
  /** `{usageType, subject, content}`; content is HTML as in Logto (`contentType` may say otherwise). */
  templates: z.array(logtoEmailTemplateSchema).default([]),
  ...transportFields,
});

export type AliyunDmConfig = z.infer<typeof aliyunDmConfigSchema>;

/** `endpoint` wins (proxies, stand-ins); else the region's public endpoint. */
export const dmBaseUrl = (config: Pick<AliyunDmConfig, 'endpoint' | 'regionId'>): string =>
  config.endpoint ?? dmRegionEndpoint(config.regionId ?? 'cn-hangzhou');
