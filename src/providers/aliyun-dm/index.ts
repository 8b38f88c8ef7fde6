import { httpProvider } from '../http/provider.js';
import { toLocalEmailTemplates } from '../shared/templates.js';
import { aliyunDmConfigSchema, dmBaseUrl } from './config.js';
import { aliyunDmReceipts } from './receipts.js';
import { aliyunDmVendor } from './request.js';

/** Aliyun Direct Mail (`SingleSendMail`, RPC signature v1.0), Logto's `connector-aliyun-dm`. */
export const aliyunDmProvider = {
  ...httpProvider({ id: 'aliyun-dm', channels: ['email'], configSchema: aliyunDmConfigSchema }, {
    baseUrl: dmBaseUrl,
    templates: (config) => toLocalEmailTemplates(config.templates, 'text/html'),
    vendor: aliyunDmVendor,
  }),
  /** Direct Mail events through an EventBridge HTTP target, behind `?token=`. */
  receipts: aliyunDmReceipts,
};
