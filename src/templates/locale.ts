import type { Payload } from '../messages/types.js';

/** The canonical form of a BCP 47 tag (`EN-us` → `en-US`), or undefined when it is not one. */
export const canonical = (tag: string): string | undefined => {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
};

const parents = (tag: string): string[] => {
  const parts = tag.split('-');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('-'));
};

/**
 * The lookup chain of a language tag: itself, its parents, and those of its likely-script form,
 * so `zh-TW` → `zh-TW`, `zh-Hant-TW`, `zh-Hant`, `zh`; `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`;
 * `en` → `en-Latn`, `en`. A region is never added that the tag did not have.
 */
export const localeChain = (tag: string): string[] => {
  const base = canonical(tag);
  if (!base) return [];
  const locale = new Intl.Locale(base);
  const script = locale.script ?? locale.maximize().script;
  const scripted = [locale.language, script, locale.region].filter(Boolean).join('-');
  const withoutLanguage = (t: string) => parents(t).filter((p) => p !== locale.language);
  return [...new Set([...withoutLanguage(base), ...withoutLanguage(scripted), locale.language])];
};

/** The message language: `payload.locale`, else the first of `payload.uiLocales`, else the default. */
export const messageLocale = (payload: Payload, defaultLocale: string): string => {
  const candidates = [payload.locale, ...(typeof payload.uiLocales === 'string' ? payload.uiLocales.split(/[\s,]+/) : [])];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim()) {
      const tag = canonical(candidate.trim());
      if (tag) return tag;
    }
  }
  return defaultLocale;
};
