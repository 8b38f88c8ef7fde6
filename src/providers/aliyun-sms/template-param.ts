import type { Payload } from '../../messages/types.js';

/**
 * `TemplateParam` for SendSms: the payload minus `locale` (as Logto does), as a JSON object of
 * strings. Aliyun fills `${name}` variables from top-level keys only and accepts string values
 * only (`isv.INVALID_JSON_PARAM`), so numbers are stringified and nested objects (`user`,
 * `application`, `organization`, …), arrays, booleans and nulls are left out: they cannot fill
 * a variable and would only send personal data to the vendor.
 */
export const toTemplateParam = (payload: Payload): Record<string, string> => {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key === 'locale') continue;
    if (typeof value === 'string') params[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) params[key] = String(value);
  }
  return params;
};
