import type { Payload } from '../../messages/types.js';

/**
 * The payload's values a vendor template variable can take, in key order, as strings, `locale`
 * left out (as Logto does): top-level strings, and finite numbers stringified. Nested objects
 * (`user`, `application`, `organization`, …), arrays, booleans and nulls cannot fill a variable
 * and would only send personal data to the vendor.
 */
export const templateVariables = (payload: Payload): Array<[key: string, value: string]> =>
  Object.entries(payload).flatMap(([key, value]): Array<[string, string]> => {
    if (key === 'locale') return [];
    if (typeof value === 'string') return [[key, value]];
    return typeof value === 'number' && Number.isFinite(value) ? [[key, String(value)]] : [];
  });
