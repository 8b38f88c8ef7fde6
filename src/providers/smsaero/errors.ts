import { z } from 'zod';
import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { parseJsonAs } from '../http/json.js';
import { codeTable, connector, message } from '../http/rules.js';

/** SMS Aero v2 answers `{success, data, message}`; older gates answer `{result: "reject" | "no credits", reason}`. */
const smsAeroBodySchema = z.object({
  success: z.boolean().optional(),
  message: z.string().nullish(),
  result: z.string().optional(),
});

/** SMS Aero publishes no error codes: these are ours, for the classes of refusal it words. */
const SMSAERO_RULES = codeTable({
  no_credits: connector('insufficient account balance'),
  invalid_sign: connector('sender name not approved'),
  rejected: message('message rejected by provider'),
});

// SMS Aero publishes no error codes, only English/Russian messages: these two account problems
// are recognised by wording so that they fail over (scope 'connector') instead of dropping the message.
const NO_CREDITS = /no credits|insufficient|not enough|balance|недостаточно|баланс/i;
const BAD_SIGN = /\bsign\b|signature|подпис/i;

/**
 * Our code for a refusal: `no_credits` / `invalid_sign` for the account problems its message
 * names (on a rejection: not 401/403/429/5xx), `rejected` for any other 2xx refusal; none for
 * other statuses (the status decides).
 */
const refusalCode = (status: number, body: string): string | undefined => {
  const parsed = parseJsonAs(smsAeroBodySchema, body);
  const text = `${parsed?.result ?? ''} ${parsed?.message ?? ''}`;
  const rejection = status < 500 && status !== 429 && status !== 401 && status !== 403;
  if (rejection && NO_CREDITS.test(text)) return 'no_credits';
  if (rejection && BAD_SIGN.test(text)) return 'invalid_sign';
  return status >= 200 && status < 300 ? 'rejected' : undefined;
};

/**
 * Maps an SMS Aero failure: a non-2xx status (401 credentials, 400 validation, 429, 5xx), or a 2xx
 * answer that refuses (`success: false`, or an old gate's `result`).
 */
export const classifySmsAeroError = ({ status, headers, body }: HttpFailure): DeliveryError =>
  classifyFailure(SMSAERO_RULES, { provider: 'smsaero', status, headers, code: refusalCode(status, body) });
