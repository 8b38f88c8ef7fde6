import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** The ISO 3166 alpha-2 country of an E.164 number, or undefined (not a number, or a non-geographic one). */
export const phoneCountry = (e164: string): string | undefined => parsePhoneNumberFromString(e164)?.country;
