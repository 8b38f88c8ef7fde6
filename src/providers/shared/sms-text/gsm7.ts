/** GSM 03.38 default alphabet (one septet each), without the escape character itself. */
export const GSM7_BASIC: ReadonlySet<string> = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** GSM 03.38 extension table (escape + one septet each). */
export const GSM7_EXTENSION: ReadonlySet<string> = new Set('\f^{}\\[~]|€');
const GSM7 = new Set([...GSM7_BASIC, ...GSM7_EXTENSION]);

/**
 * Whether `text` can only be sent as UCS-2 ("unicode") SMS: true when any character is outside
 * the GSM 03.38 default alphabet and its extension table. Vendors that default to GSM-7 replace
 * such characters (Cyrillic, CJK, emoji) with `?` unless told to use UCS-2.
 */
export const needsUcs2 = (text: string): boolean => {
  for (const char of text) if (!GSM7.has(char)) return true;
  return false;
};
