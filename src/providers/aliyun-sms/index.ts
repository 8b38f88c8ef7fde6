import { defineProvider, type RemoteTemplate } from '../types.js';
import { createAliyunRpcClient } from '../aliyun-rpc/call.js';
import { aliyunSmsConfigSchema, DEFAULT_SMS_ENDPOINT, type AliyunSmsConfig } from './config.js';
import { readSendSmsReply } from './errors.js';
import { buildSendSmsParams, SMS_ACTION, SMS_API_VERSION } from './request.js';

/** Logto's templates as remote templates: the worker hands the ref back in `content.ref`. */
export const toRemoteTemplates = (templates: AliyunSmsConfig['templates']): RemoteTemplate[] =>
  templates.map(({ usageType, templateCode, type }) => ({ kind: 'remote', usageType, ref: { templateCode, type } }));

/** Aliyun Short Message Service (`SendSms`, RPC signature v1.0), Logto's `connector-aliyun-sms`. */
export const aliyunSmsProvider = defineProvider({
  id: 'aliyun-sms',
  channels: ['sms'],
  configSchema: aliyunSmsConfigSchema,
  create(config, { channel }) {
    const rpc = createAliyunRpcClient({
      baseUrl: config.endpoint ?? DEFAULT_SMS_ENDPOINT,
      provider: 'aliyun-sms',
      timeoutMs: config.timeoutMs,
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      version: SMS_API_VERSION,
    });
    return {
      id: 'aliyun-sms',
      channel,
      templates: toRemoteTemplates(config.templates),
      acceptsRenderedContent: false,
      async send(message, { signal }) {
        return readSendSmsReply(await rpc.call(SMS_ACTION, buildSendSmsParams(config, message), signal));
      },
      close: () => rpc.close(),
    };
  },
});
