import { z } from 'zod';
import { tokenJsonReceipts } from '../../receipts/kit.js';
import type { Receipt, ReceiptStatus } from '../../receipts/types.js';
import { chinaWallTime } from '../shared/china-time.js';
import type { AliyunDmConfig } from './config.js';

/**
 * Direct Mail event `type` (EventBridge, source `acs.dm`) → our status. Opens, clicks,
 * (un)subscriptions and graylist results are not about delivery and are not returned.
 */
export const DM_EVENT_STATUSES: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['dm:Deliver:Succeed', 'delivered'],
  ['dm:Deliver:Fail', 'undelivered'],
  ['dm:Feedback:FblReport', 'complained'],
]);

/** `data.status` of a failed delivery: 2 is an invalid address (a hard bounce); 3 spam and 4 other failures are not. */
const INVALID_ADDRESS_STATUS = '2';

/** `failed_type` (`SmtpNxBox`) or `err_code` (`554`): short tokens only, never `err_msg` (it quotes the address). */
const codeToken = z.string().regex(/^[A-Za-z0-9_.-]{1,48}$/).optional().catch(undefined);
const scalar = z.union([z.string(), z.number()]).transform(String);

/** The CloudEvent EventBridge posts to an HTTP target. `data.env_id` is the `EnvId` SingleSendMail returned. */
const eventSchema = z.object({
  type: z.string(),
  time: z.string().optional(),
  data: z
    .object({
      env_id: scalar.optional(),
      status: scalar.optional(),
      failed_type: codeToken,
      err_code: codeToken,
      deliver_time: z.string().optional(),
    })
    .optional(),
});

/** One event per request; a batch (JSON array) is taken too. */
const bodySchema = z.union([z.array(eventSchema), eventSchema.transform((event) => [event])]);

type DmEvent = z.infer<typeof eventSchema>;

const toReceipt = ({ type, time, data }: DmEvent): Receipt[] => {
  const status = DM_EVENT_STATUSES.get(type);
  if (status === undefined || data?.env_id === undefined || data.env_id === '') return [];
  const at = chinaWallTime(data.deliver_time) ?? chinaWallTime(time);
  const code = data.failed_type ?? data.err_code;
  return [
    {
      providerMessageId: data.env_id,
      status,
      ...(at === undefined ? {} : { at }),
      ...(code === undefined || status === 'delivered' ? {} : { code }),
      ...(status === 'undelivered' ? { permanent: data.status === INVALID_ADDRESS_STATUS } : {}),
    },
  ];
};

/**
 * Direct Mail events reach us through an EventBridge rule with an HTTP/HTTPS target. The
 * target URL carries `?token=`, checked before the body is read (EventBridge's own RSA
 * signature headers are not checked here).
 */
export const aliyunDmReceipts = tokenJsonReceipts<AliyunDmConfig, typeof bodySchema>(bodySchema, (events) => events.flatMap(toReceipt));
