import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { replyReader } from '../http/accept.js';
import type { HttpVendor } from '../http/provider.js';
import type { OutgoingMessage } from '../types.js';
import { aliyunRpcRequests } from '../aliyun-rpc/request.js';
import type { AliyunDmConfig } from './config.js';
import { classifyDmError } from './errors.js';

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

/** SingleSendMail: 2xx with `{EnvId}` is sent (Direct Mail reports every error with a 4xx/5xx status). */
const readDmReply = replyReader({
  failure: classifyDmError,
  accepted: z.object({ EnvId: z.string().min(1), RequestId: z.string() }),
  result: (body) => ({ providerMessageId: body.EnvId }),
});

/** One signed `SingleSendMail` call per message. */
export const aliyunDmVendor = (config: AliyunDmConfig): HttpVendor => {
  const rpc = aliyunRpcRequests({ accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret, version: DM_API_VERSION });
  return {
    request: (message) => rpc(DM_ACTION, buildSingleSendMailParams(config, message)),
    reply: readDmReply,
  };
};
