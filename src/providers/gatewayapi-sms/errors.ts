import { z } from 'zod';
import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { parseJsonAs } from '../http/json.js';
import { codeTable, connector, message, NO_RULES, retry, type Rules } from '../http/rules.js';

/** `{"code": "0x0216", "incident_uuid": "…", "message": "Insufficient credit", "variables": […]}`; only `code` is read. */
const errorBodySchema = z.object({ code: z.string().regex(/^0x[0-9a-fA-F]{4}$/) });

/** GatewayAPI "API Errors" (0x0210–0x0311) from its error code index. */
export const GATEWAYAPI_ERROR_RULES = codeTable({
  '0x0210': connector('invalid username'),
  '0x0211': connector('invalid password'),
  '0x0212': connector('invalid IP address'),
  '0x0213': connector('unauthorized IP address'),
  '0x0214': message('recipient temporarily blacklisted'),
  '0x0215': message('recipient blacklisted'),
  '0x0216': connector('insufficient credit'),
  '0x0217': connector('destination country not allowed for the account'),
  '0x0218': connector('unknown message class'),
  '0x021D': connector('SMS not enabled for the account'),
  '0x021E': connector('message class not configured'),
  '0x021F': connector('destination operator not allowed for the account'),
  '0x0220': connector('unsupported parameter'),
  '0x0221': connector('unsupported signature method'),
  '0x0222': connector('missing required parameter'),
  '0x0223': connector('invalid consumer key'),
  '0x0224': connector('invalid signature'),
  '0x0225': connector('expired timestamp'),
  '0x0226': connector('invalid or used nonce'),
  '0x0310': message('duplicate recipient'),
  '0x0311': connector('priority not available'),
});

/**
 * GatewayAPI's general codes: any origin byte, low byte 01–09 (0x0308 = "Invalid Argument" from the
 * API). 01 "unknown" and 02 "generic NACK" say nothing: the HTTP status decides those.
 */
const GENERAL_RULES = codeTable({
  '03': connector('operation not permitted'),
  '04': retry('provider input/output error'),
  '05': retry('provider shutting down'),
  '06': retry('provider out of resources'),
  '07': connector('permission denied'),
  '08': message('invalid argument'),
  '09': retry('provider temporarily unavailable'),
});

/** A listed code, else a general code by its low byte (any origin byte). */
const GATEWAYAPI_RULES: Rules = { get: (code) => GATEWAYAPI_ERROR_RULES.get(code) ?? GENERAL_RULES.get(code.slice(4)) };

/** The body's `code`, normalised to `0x` + upper-case hex; anything else is no code. */
const gatewayApiCode = (body: string): string | undefined => {
  const parsed = parseJsonAs(errorBodySchema, body);
  return parsed === undefined ? undefined : `0x${parsed.code.slice(2).toUpperCase()}`;
};

/**
 * Maps a GatewayAPI failure (400 invalid arguments, 401 key, 403 IP, 422 bad JSON, 429, 5xx) by
 * its `code` first, then by HTTP status. 429 and 5xx always keep their retry semantics.
 */
export const classifyGatewayApiError = ({ status, headers, body }: HttpFailure): DeliveryError =>
  classifyFailure(status === 429 || status >= 500 ? NO_RULES : GATEWAYAPI_RULES, { provider: 'gatewayapi-sms', status, headers, code: gatewayApiCode(body) });
