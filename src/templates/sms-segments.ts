import { GSM7_BASIC, GSM7_EXTENSION } from '../providers/shared/sms-text/gsm7.js';
/**
 * SMS length in the units carriers bill: GSM 03.38 (3GPP TS 23.038) septets, or UTF-16 code units
 * when any character is outside the GSM-7 default alphabet and its extension table.
 *
 * - GSM-7: 160 septets in one segment, 153 per segment when split (the UDH takes 7). A character of
 *   the extension table (`^ { } \ [ ~ ] | €` and form feed) is an escape pair: 2 septets.
 * - UCS-2: 70 code units in one segment, 67 per segment when split. A character outside the Basic
 *   Multilingual Plane (most emoji) is a surrogate pair: 2 units.
 * - Like phones and gateways, a split never cuts an escape pair or a surrogate pair in half: the
 *   whole character moves to the next segment, so a message can need one more segment than
 *   `ceil(units / 153)` (or `/ 67`).
 * - Empty text is 1 segment, as carriers count it (a message is still sent).
 * - Not modelled: national language shift tables (Turkish, Spanish, Portuguese, Indic), and gateway
 *   "smart encoding" that swaps characters such as `’` for `'` to stay in GSM-7.
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export type SmsSegments = {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
};

const LIMITS: Record<SmsEncoding, { single: number; multipart: number }> = {
  'GSM-7': { single: 160, multipart: 153 },
  'UCS-2': { single: 70, multipart: 67 },
};

/** Cost of each character in septets, or `undefined` when one is outside GSM-7. */
const gsm7Costs = (chars: readonly string[]): number[] | undefined => {
  const costs: number[] = [];
  for (const char of chars) {
    if (GSM7_BASIC.has(char)) costs.push(1);
    else if (GSM7_EXTENSION.has(char)) costs.push(2);
    else return undefined;
  }
  return costs;
};

/** Greedy packing into segments of `size` units; a character is never split across two. */
const pack = (costs: readonly number[], size: number): number => {
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > size) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
};

export const smsSegments = (text: string): SmsSegments => {
  const chars = [...text]; // code points: a surrogate pair stays one element of length 2
  const gsm = gsm7Costs(chars);
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  const costs = gsm ?? chars.map((char) => char.length);
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const { single, multipart } = LIMITS[encoding];
  return { encoding, units, segments: units <= single ? 1 : pack(costs, multipart) };
};
