import { buildCatalog } from './catalog.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ja } from './ja.js';
import { ko } from './ko.js';
import { ru } from './ru.js';
import type { BuiltinCatalog } from './types.js';
import { zhHans } from './zh-Hans.js';
import { zhHant } from './zh-Hant.js';

export type { BuiltinCatalog, BuiltinTemplate } from './types.js';

/**
 * Built-in default templates by BCP 47 tag, used when neither the config nor the connector has a
 * template. Placeholders are only `{{code}}` (and `{{link}}` for OrganizationInvitation), the two
 * keys a Logto payload is sure to carry; Logto's renderer would leave any other root key untouched.
 * Keys are script tags for Chinese: map `zh-TW`/`zh-HK` to `zh-Hant` and `zh-CN` to `zh-Hans`.
 */
export const BUILTIN_TEMPLATES: Readonly<Record<string, BuiltinCatalog>> = Object.freeze(
  Object.fromEntries([en, ko, zhHant, zhHans, ru, ja, de, fr, es].map((copy) => [copy.lang, buildCatalog(copy)])),
);

export const BUILTIN_DEFAULT_LOCALE = 'en';
