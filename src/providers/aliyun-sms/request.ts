import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import type { Payload } from '../../messages/types.js';
import { replyReader } from '../http/accept.js';
import type { HttpVendor } from '../http/provider.js';
import type { OutgoingMessage } from '../types.js';
import { aliyunRpcRequests } from '../aliyun-rpc/request.js';
import { templateVariables } from '../shared/template-variables.js';
import { templateCodeSchema, type AliyunSmsConfig } from './config.js';
import { classifySendSmsError, classifySmsCode } from './errors.js';

export const SMS_API_VERSION = '2017-05-25';
export const SMS_ACTION = 'SendSms';

/** What a remote template's `ref` carries for this provider. */
const aliyunSmsRefSchema = z.object({ templateCode: templateCodeSchema });

/**
 * Whether `to` is a mainland China number, which picks `templateCode.china` over `.overseas`.
 * E.164 input (`+…`) is decided by its country code. Without `+`, Logto's rule applies: a
 * 86/0086 prefix, or (unless `strict`) any bare 11-digit number.
 */
export const isChinaNumber = (to: string, strict = false): boolean => {
  if (to.startsWith('+')) return to.startsWith('+86');
  return strict ? /^(0086|86)\d{11}$/.test(to) : /^(0086|86)?\d{11}$/.test(to);
};

/**
 * `PhoneNumbers` as SendSms documents it: mainland numbers may carry 86/+86/0086 or nothing,
 * international ones are "country code + number" with no `+` (e.g. 852…). So the `+` goes.
 */
export const toAliyunPhoneNumber = (to: string): string => to.replace(/^\+/, '');

/**
 * `TemplateParam` for SendSms: Aliyun fills `${name}` variables from top-level keys only and
 * accepts string values only (`isv.INVALID_JSON_PARAM`), so it is `templateVariables` as an object.
 */
export const toTemplateParam = (payload: Payload): Record<string, string> => {
  const params: Record<string, string> = {};
  for (const [key, value] of templateVariables(payload)) params[key] = value;
  return params;
};

/** SendSms parameters for one message whose content is one of our remote templates. */
export const buildSendSmsParams = (
  config: Pick<AliyunSmsConfig, 'signName' | 'strictPhoneRegionNumberCheck'>,
  message: OutgoingMessage,
): Record<string, string> => {
  const ref = message.content.kind === 'remote' ? aliyunSmsRefSchema.safeParse(message.content.ref) : undefined;
  if (!ref?.success) {
    throw permanent({ provider: 'aliyun-sms', code: 'template_not_supported', message: 'Aliyun SMS sends approved templates only', scope: 'connector' });
  }
  const { templateCode } = ref.data;
  const china = isChinaNumber(message.to, config.strictPhoneRegionNumberCheck);
  return {
    RegionId: 'cn-hangzhou',
    PhoneNumbers: toAliyunPhoneNumber(message.to),
    SignName: config.signName,
    TemplateCode: typeof templateCode === 'string' ? templateCode : china ? templateCode.china : templateCode.overseas,
    TemplateParam: JSON.stringify(toTemplateParam(message.payload)),
  };
};

/** A 2xx SendSms answer we recognise: `Code: OK` with its `BizId`, or a business error `Code`. */
const sendSmsAnswerSchema = z.union([
  z.object({ Code: z.literal('OK'), BizId: z.string().min(1) }).transform((b) => ({ bizId: b.BizId })),
  z
    .object({ Code: z.string().refine((code) => code !== 'OK'), Message: z.string().optional() })
    .transform((b) => ({ refused: b.Code, message: b.Message ?? '' })),
]);

/** `Code: OK` is sent; business errors come with HTTP 200 and are classified; any other 2xx is unexpected. */
const readSendSmsReply = replyReader({
  failure: classifySendSmsError,
  accepted: sendSmsAnswerSchema,
  result: (answer) => {
    if ('refused' in answer) throw classifySmsCode(answer.refused, answer.message);
    return { providerMessageId: answer.bizId };
  },
});

/** One signed `SendSms` call per message. */
export const aliyunSmsVendor = (config: AliyunSmsConfig): HttpVendor => {
  const rpc = aliyunRpcRequests({ accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret, version: SMS_API_VERSION });
  return {
    request: (message) => rpc(SMS_ACTION, buildSendSmsParams(config, message)),
    reply: readSendSmsReply,
  };
};
