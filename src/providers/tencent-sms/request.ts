import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import type { Payload } from '../../messages/types.js';
import { replyReader } from '../http/accept.js';
import type { HttpVendor } from '../http/provider.js';
import { templateVariables } from '../shared/template-variables.js';
import type { OutgoingMessage } from '../types.js';
import { tencentBaseUrl, TENCENT_SMS_VERSION, type TencentSmsConfig } from './config.js';
import { classifyTencentCode, classifyTencentError, tencentErrorSchema } from './errors.js';
import { tc3Authorization } from './signature.js';

const TENCENT_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What a remote template's `ref` carries for this provider. */
const tencentSmsRefSchema = z.object({ templateCode: z.string().min(1) });

/**
 * `TemplateParamSet`: Tencent templates have positional variables `{1}`, `{2}`…, filled, as in
 * Logto, from the payload's values in key order (`templateVariables`), so put the variables
 * (`code` first) at the payload's top.
 */
export const toTemplateParamSet = (payload: Payload): string[] => templateVariables(payload).map(([, value]) => value);

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

const isOk = (code: string): boolean => code.toLowerCase() === 'ok';

/** The number's status in a SendSms answer: `Ok` with its `SerialNo`, or the code that refused it. */
const sendStatusSchema = z.union([
  z.object({ Code: z.string().refine(isOk), SerialNo: z.string().min(1) }).transform((s) => ({ serialNo: s.SerialNo })),
  z.object({ Code: z.string().refine((code) => !isOk(code)) }).transform((s) => ({ refused: s.Code })),
]);

/**
 * A SendSms reply. API errors come with HTTP 200 and `Response.Error`; a refused number as
 * `SendStatusSet[0].Code` other than `Ok`; `Ok` with its `SerialNo` is sent; any other 2xx is
 * unexpected.
 */
const readTencentReply = replyReader({
  failure: classifyTencentError,
  accepted: z.union([
    tencentErrorSchema.transform((a) => ({ refused: a.Response.Error.Code })),
    z.object({ Response: z.object({ SendStatusSet: z.tuple([sendStatusSchema], z.unknown()) }) }).transform((a) => a.Response.SendStatusSet[0]),
  ]),
  result: (answer) => {
    if ('refused' in answer) throw classifyTencentCode(answer.refused);
    return { providerMessageId: answer.serialNo };
  },
});

/** One signed `SendSms` call per message; the signed `host` is the endpoint's (and port), the Host header actually sent. */
export const tencentVendor = (config: TencentSmsConfig): HttpVendor => {
  const host = new URL(tencentBaseUrl(config)).host;
  return {
    request(message) {
      const payload = JSON.stringify(buildSendSmsBody(config, message));
      return { path: '/', headers: signedHeaders(config, host, payload, Math.floor(Date.now() / 1000)), body: payload };
    },
    reply: readTencentReply,
  };
};
