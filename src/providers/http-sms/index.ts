import { httpWebhookProvider } from '../http-webhook/index.js';
import { httpWebhookReceipts } from '../http-webhook/receipts.js';

/** Logto's `connector-http-sms`: POSTs `{to, type, payload, ip?}` to your endpoint, optionally signed. */
export const httpSmsProvider = { ...httpWebhookProvider('http-sms', 'sms'), receipts: httpWebhookReceipts };
