import { permanent } from '../../errors/delivery-error.js';
import type { OutgoingMessage } from '../types.js';
import type { AliyunDmConfig } from './config.js';

export const DM_API_VERSION = '2015-11-23';
export const DM_ACTION = 'SingleSendMail';

/**
 * SingleSendMail parameters for one rendered email, as Logto sends them: the configured sender
 * address (`AddressType=1`), no console reply-to (`ReplyToAddress=false`), `HtmlBody` for HTML
 * mail and `TextBody` for plain text. A template's `replyTo` goes to `ReplyAddress`.
 */
export const buildSingleSendMailParams = (
  config: Pick<AliyunDmConfig, 'accountName' | 'fromAlias' | 'regionId'>,
  message: OutgoingMessage,
): Record<string, string> => {
  const { content } = message;
  if (content.kind !== 'email') {
    throw permanent({ provider: 'aliyun-dm', code: 'template_not_supported', message: 'Direct Mail sends rendered email only', scope: 'connector' });
  }
  return {
    RegionId: config.regionId ?? 'cn-hangzhou',
    AccountName: config.accountName,
    AddressType: '1',
    ReplyToAddress: 'false',
    ToAddress: message.to,
    Subject: content.subject,
    ...(config.fromAlias ? { FromAlias: config.fromAlias } : {}),
    ...(content.html === undefined ? { TextBody: content.text } : { HtmlBody: content.html }),
    ...(content.replyTo ? { ReplyAddress: content.replyTo } : {}),
  };
};
