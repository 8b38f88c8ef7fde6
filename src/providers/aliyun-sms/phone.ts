/**
 * Whether `to` is a mainland China number, which picks `templateCode.china` over `.overseas`.
 * E.164 input (`+…`) is decided by its country code. Without `+`, Logto's rule applies: a
 * 86/0086 prefix, or (unless `strict`) any bare 11-digit number.
 */
export const isChinaNumber = (to: string, strict = false): boolean => {
  if (to.startsWith('+')) return to.startsWith('+86');
  return strict ? /^(0086|86)\d{11}$/.test(to) : /^(0086|86)?\d{11}$/.test(to);
};

/**
 * `PhoneNumbers` as SendSms documents it: mainland numbers may carry 86/+86/0086 or nothing,
 * international ones are "country code + number" with no `+` (e.g. 852…). So the `+` goes.
 */
export const toAliyunPhoneNumber = (to: string): string => to.replace(/^\+/, '');
