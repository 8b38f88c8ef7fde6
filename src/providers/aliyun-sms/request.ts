import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import type { OutgoingMessage } from '../types.js';
import { templateCodeSchema, type AliyunSmsConfig } from './config.js';
import { isChinaNumber, toAliyunPhoneNumber } from './phone.js';
import { toTemplateParam } from './template-param.js';

export const SMS_API_VERSION = '2017-05-25';
export const SMS_ACTION = 'SendSms';

/** What a remote template's `ref` carries for this provider. */
export const aliyunSmsRefSchema = z.object({ templateCode: templateCodeSchema });

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
