import { z } from 'zod';
import { tokenJsonReceipts } from '../../receipts/kit.js';
import type { Receipt, ReceiptStatus } from '../../receipts/types.js';
import { chinaWallTime } from '../shared/china-time.js';
import type { TencentSmsConfig } from './config.js';

/**
 * `report_status` of Tencent's "SMS sending status notification" → our status. Tencent reports
 * final results only; anything else is not returned.
 */
export const TENCENT_REPORT_STATUSES: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['SUCCESS', 'delivered'],
  ['FAIL', 'undelivered'],
]);

/** `errmsg` is the carrier's status code (`DELIVRD`, `MK:0001`); anything longer or wordier is dropped. */
const codeToken = z.string().regex(/^[A-Za-z0-9:_.-]{1,32}$/).optional().catch(undefined);

/** One status report. `sid` is the `SerialNo` SendSms returned (the send's providerMessageId). */
const reportSchema = z.object({
  report_status: z.string(),
  sid: z.string().min(1).max(128),
  errmsg: codeToken,
  user_receive_time: z.string().optional(),
});

/** One callback carries the reports of one or more sends, as a JSON array. */
const callbackSchema = z.array(reportSchema);

/** What Tencent expects back; any other answer is a failed push. */
export const TENCENT_RECEIPT_REPLY = { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ result: 0, errmsg: 'OK' }) };

const toReceipt = (report: z.infer<typeof reportSchema>): Receipt[] => {
  const status = TENCENT_REPORT_STATUSES.get(report.report_status);
  if (status === undefined) return [];
  const at = chinaWallTime(report.user_receive_time);
  return [{ providerMessageId: report.sid, status, ...(at === undefined ? {} : { at }), ...(report.errmsg === undefined ? {} : { code: report.errmsg }) }];
};

/**
 * Tencent signs nothing on this callback: the callback URL set in the console carries `?token=`,
 * checked before the body is read.
 */
export const tencentSmsReceipts = tokenJsonReceipts<TencentSmsConfig, typeof callbackSchema>(callbackSchema, (reports) => reports.flatMap(toReceipt), TENCENT_RECEIPT_REPLY);
