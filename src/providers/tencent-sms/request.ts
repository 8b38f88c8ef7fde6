import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import type { Payload } from '../../messages/types.js';
import type { OutgoingMessage } from '../types.js';
import { TENCENT_SMS_VERSION, type TencentSmsConfig } from './config.js';
import { tc3Authorization } from './signature.js';

export const TENCENT_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What a remote template's `ref` carries for this provider. */
export const tencentSmsRefSchema = z.object({ templateCode: z.string().min(1) });

/**
 * `TemplateParamSet`: Tencent templates have positional variables `{1}`, `{2}`…, filled, as in
 * Logto, from the payload's values in key order, `locale` left out, as strings. Only top-level
 * strings and numbers can fill a variable; nested objects (`user`, `application`, …), arrays,
 * booleans and nulls are skipped, so put the variables (`code` first) at the payload's top.
 */
export const toTemplateParamSet = (payload: Payload): string[] =>
  Object.entries(payload).flatMap(([key, value]) =>
    key === 'locale' ? [] : typeof value === 'string' ? [value] : typeof value === 'number' && Number.isFinite(value) ? [String(value)] : [],
  );

/** The SendSms JSON body for one message whose content is one of our remote templates. */
export const buildSendSmsBody = (config: Pick<TencentSmsConfig, 'sdkAppId' | 'signName'>, message: OutgoingMessage) => {
  const ref = message.content.kind === 'remote' ? tencentSmsRefSchema.safeParse(message.content.ref) : undefined;
  if (!ref?.success) {
    throw permanent({ provider: 'tencent-sms', code: 'template_not_supported', message: 'Tencent SMS sends approved templates only', scope: 'connector' });
  }
  return {
    PhoneNumberSet: [message.to],
    SmsSdkAppId: config.sdkAppId,
    SignName: config.signName,
    TemplateId: ref.data.templateCode,
    TemplateParamSet: toTemplateParamSet(message.payload),
  };
};

/** Headers of a signed TencentCloud API 3.0 `SendSms` call. */
export const signedHeaders = (
  config: Pick<TencentSmsConfig, 'accessKeyId' | 'accessKeySecret' | 'region'>,
  host: string,
  payload: string,
  timestamp: number,
): Record<string, string> => ({
  authorization: tc3Authorization({
    secretId: config.accessKeyId,
    secretKey: config.accessKeySecret,
    service: 'sms',
    host,
    contentType: TENCENT_CONTENT_TYPE,
    payload,
    timestamp,
  }),
  'content-type': TENCENT_CONTENT_TYPE,
  host,
  'x-tc-action': 'SendSms',
  'x-tc-version': TENCENT_SMS_VERSION,
  'x-tc-timestamp': String(timestamp),
  'x-tc-region': config.region,
});
