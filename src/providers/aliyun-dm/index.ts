import { toLocalEmailTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { createAliyunRpcClient } from '../aliyun-rpc/call.js';
import { aliyunDmConfigSchema, dmBaseUrl } from './config.js';
import { readDmReply } from './errors.js';
import { buildSingleSendMailParams, DM_ACTION, DM_API_VERSION } from './send.js';

/** Aliyun Direct Mail (`SingleSendMail`, RPC signature v1.0), Logto's `connector-aliyun-dm`. */
export const aliyunDmProvider = defineProvider({
  id: 'aliyun-dm',
  channels: ['email'],
  configSchema: aliyunDmConfigSchema,
  create(config, { channel }) {
    const rpc = createAliyunRpcClient({
      baseUrl: dmBaseUrl(config),
      provider: 'aliyun-dm',
      timeoutMs: config.timeoutMs,
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      version: DM_API_VERSION,
    });
    return {
      id: 'aliyun-dm',
      channel,
      templates: toLocalEmailTemplates(config.templates, 'text/html'),
      acceptsRenderedContent: true,
      async send(message, { signal }) {
        return readDmReply(await rpc.call(DM_ACTION, buildSingleSendMailParams(config, message), signal));
      },
      close: () => rpc.close(),
    };
  },
});
