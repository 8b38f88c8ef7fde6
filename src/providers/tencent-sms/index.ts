import { httpProvider } from '../http/provider.js';
import { tencentBaseUrl, tencentSmsConfigSchema, toRemoteTemplates } from './config.js';
import { tencentSmsReceipts } from './receipts.js';
import { tencentVendor } from './request.js';

/** Tencent Cloud SMS (`SendSms` 2021-01-11, TC3-HMAC-SHA256), Logto's `connector-tencent-sms`. */
export const tencentSmsProvider = {
  ...httpProvider({ id: 'tencent-sms', channels: ['sms'], configSchema: tencentSmsConfigSchema }, {
    baseUrl: tencentBaseUrl,
    templates: (config) => toRemoteTemplates(config.templates),
    acceptsRenderedContent: false,
    vendor: tencentVendor,
  }),
  /** The "SMS sending status notification" callback, behind `?token=`. */
  receipts: tencentSmsReceipts,
};
