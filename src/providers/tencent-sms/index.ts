import { createHttpClient } from '../http/client.js';
import { defineProvider, type RemoteTemplate } from '../types.js';
import { DEFAULT_TENCENT_ENDPOINT, tencentSmsConfigSchema, type TencentSmsConfig } from './config.js';
import { readTencentReply } from './errors.js';
import { buildSendSmsBody, signedHeaders } from './request.js';

/** Logto's templates as remote templates: the worker hands the ref back in `content.ref`. */
export const toRemoteTemplates = (templates: TencentSmsConfig['templates']): RemoteTemplate[] =>
  templates.map(({ usageType, templateCode }) => ({ kind: 'remote', usageType, ref: { templateCode } }));

/** Tencent Cloud SMS (`SendSms` 2021-01-11, TC3-HMAC-SHA256), Logto's `connector-tencent-sms`. */
export const tencentSmsProvider = defineProvider({
  id: 'tencent-sms',
  channels: ['sms'],
  configSchema: tencentSmsConfigSchema,
  create(config, { channel }) {
    const baseUrl = config.endpoint ?? DEFAULT_TENCENT_ENDPOINT;
    // The signed `host` must be the Host header actually sent: the endpoint's host (and port).
    const host = new URL(baseUrl).host;
    const http = createHttpClient({ baseUrl, provider: 'tencent-sms', timeoutMs: config.timeoutMs });
    return {
      id: 'tencent-sms',
      channel,
      templates: toRemoteTemplates(config.templates),
      acceptsRenderedContent: false,
      async send(message, { signal }) {
        const payload = JSON.stringify(buildSendSmsBody(config, message));
        const timestamp = Math.floor(Date.now() / 1000);
        const res = await http.request({ method: 'POST', path: '/', headers: signedHeaders(config, host, payload, timestamp), body: payload, signal });
        return readTencentReply(res);
      },
      close: () => http.close(),
    };
  },
});
