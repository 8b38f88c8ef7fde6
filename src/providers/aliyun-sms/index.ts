import { httpProvider } from '../http/provider.js';
import { aliyunSmsConfigSchema, DEFAULT_SMS_ENDPOINT, toRemoteTemplates } from './config.js';
import { aliyunSmsReceipts } from './receipts.js';
import { aliyunSmsVendor } from './request.js';

/** Aliyun Short Message Service (`SendSms`, RPC signature v1.0), Logto's `connector-aliyun-sms`. */
export const aliyunSmsProvider = {
  ...httpProvider({ id: 'aliyun-sms', channels: ['sms'], configSchema: aliyunSmsConfigSchema }, {
    baseUrl: (config) => config.endpoint ?? DEFAULT_SMS_ENDPOINT,
    templates: (config) => toRemoteTemplates(config.templates),
    acceptsRenderedContent: false,
    vendor: aliyunSmsVendor,
  }),
  /** SmsReport over HTTP batch push, behind `?token=`. */
  receipts: aliyunSmsReceipts,
};
