import { z } from 'zod';
import { DeliveryError, permanent } from '../../errors/delivery-error.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import { parseJsonAs } from '../http/json.js';

const PROVIDER = 'smsaero';

/** SMS Aero v2 answers `{success, data, message}`; older gates answer `{result: "reject" | "no credits", reason}`. */
export const smsAeroBodySchema = z.object({
  success: z.boolean().optional(),
  message: z.string().nullish(),
  result: z.string().optional(),
});

export type SmsAeroFailure = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body: read for its error class only, never copied into the error. */
  body: string;
};

// SMS Aero publishes no error codes, only English/Russian messages: these two account problems
// are recognised by wording so that they fail over (scope 'connector') instead of dropping the message.
const NO_CREDITS = /no credits|insufficient|not enough|balance|недостаточно|баланс/i;
const BAD_SIGN = /\bsign\b|signature|подпис/i;

const parse = (body: string): z.infer<typeof smsAeroBodySchema> | undefined => parseJsonAs(smsAeroBodySchema, body);

/**
 * Maps an SMS Aero failure: a non-2xx status (401 credentials, 400 validation, 429, 5xx), or a 2xx
 * answer that refuses (`success: false`, or an old gate's `result`). Account problems recognised
 * in the message become `no_credits` / `invalid_sign` (permanent, connector); other rejections
 * are about the message.
 */
export const classifySmsAeroError = ({ status, headers, body }: SmsAeroFailure): DeliveryError => {
  const parsed = parse(body);
  const is2xx = status >= 200 && status < 300;
  const text = `${parsed?.result ?? ''} ${parsed?.message ?? ''}`;
  const rejection = status < 500 && status !== 429 && status !== 401 && status !== 403;
  if (rejection && NO_CREDITS.test(text)) {
    return permanent({ provider: PROVIDER, code: 'no_credits', message: 'insufficient account balance', scope: 'connector' });
  }
  if (rejection && BAD_SIGN.test(text)) {
    return permanent({ provider: PROVIDER, code: 'invalid_sign', message: 'sender name not approved', scope: 'connector' });
  }
  if (is2xx) {
    return permanent({ provider: PROVIDER, code: 'rejected', message: 'message rejected by provider' });
  }
  return classifyHttpStatus({ provider: PROVIDER, status, headers });
};
