import { z } from 'zod';
import { tokenJsonReceipts } from '../../receipts/kit.js';
import type { Receipt, ReceiptStatus } from '../../receipts/types.js';
import { chinaWallTime } from '../shared/china-time.js';
import type { AliyunSmsConfig } from './config.js';

/** SmsReport `success` → our status: the report is the carrier's final word on the number. */
export const ALIYUN_SMS_REPORT_STATUSES: ReadonlyMap<boolean, ReceiptStatus> = new Map([
  [true, 'delivered'],
  [false, 'undelivered'],
]);

/** `err_code` is a status token (`DELIVERED`, `MK:0001`, `IC:0015`); anything longer or wordier is dropped. */
const codeToken = z.string().regex(/^[A-Za-z0-9:_.-]{1,32}$/).optional().catch(undefined);

/** One SmsReport entry. `biz_id` is the `BizId` SendSms returned (the send's providerMessageId). */
const reportSchema = z.object({
  success: z.boolean(),
  biz_id: z.string().min(1).max(128),
  err_code: codeToken,
  report_time: z.string().optional(),
});

/** HTTP batch push: one request carries one or more reports, as a JSON array. */
const pushSchema = z.array(reportSchema);

/** The documented answer; Aliyun checks only that `code` is a number (a non-200 status is retried). */
export const ALIYUN_SMS_RECEIPT_REPLY = { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ code: 0, msg: '接收成功' }) };

const toReceipt = (report: z.infer<typeof reportSchema>): Receipt => {
  const status = ALIYUN_SMS_REPORT_STATUSES.get(report.success) ?? 'undelivered';
  const at = chinaWallTime(report.report_time);
  return { providerMessageId: report.biz_id, status, ...(at === undefined ? {} : { at }), ...(report.err_code === undefined ? {} : { code: report.err_code }) };
};

/**
 * Aliyun signs nothing on SmsReport pushes: the receiving address set in the console carries
 * `?token=`, checked before the body is read.
 */
export const aliyunSmsReceipts = tokenJsonReceipts<AliyunSmsConfig, typeof pushSchema>(pushSchema, (reports) => reports.map(toReceipt), ALIYUN_SMS_RECEIPT_REPLY);
