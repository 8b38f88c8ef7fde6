/**
 * The recipient as most SMS HTTP APIs want it: the E.164 number's digits, without `+`
 * (and without any spaces or dashes a producer may have left in).
 */
export const toMsisdn = (to: string): string => to.replace(/\D/g, '');
