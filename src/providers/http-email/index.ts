import { httpWebhookProvider } from '../http-webhook/index.js';
import { httpWebhookReceipts } from '../http-webhook/receipts.js';

/** Logto's `connector-http-email`: POSTs `{to, type, payload, ip?}` to your endpoint, optionally signed. */
export const httpEmailProvider = { ...httpWebhookProvider('http-email', 'email'), receipts: httpWebhookReceipts };
