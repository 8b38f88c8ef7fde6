import type { ValidationIssue } from '../errors/validation-error.js';
import { isDeliveryError } from '../errors/delivery-error.js';
import { TEMPLATE_TYPES, type Channel } from '../messages/types.js';
import { compileTemplate } from '../templates/compile.js';
import { createTemplateResolver, type TemplateResolver } from '../templates/resolve.js';
import { smsSegments } from '../templates/sms-segments.js';
import type { Connector } from '../worker/connectors.js';
import type { LoadedConfig } from './load.js';

/** Payload roots Logto sends; other roots in a template are probably typos. */
export const KNOWN_VARIABLE_ROOTS = new Set(['code', 'link', 'locale', 'uiLocales', 'user', 'application', 'organization', 'inviter', 'ip']);

const SAMPLE = { code: '123456', link: 'https://example.com/x' };
/** `{{` that does not open a valid placeholder (`{{ code`, `{{user-name}}`): sent as written. */
const BROKEN_PLACEHOLDER = /\{\{(?!\s*\w+(?:\.\w+)*\s*\}\})/;

type Checked = { path: string; channel: Channel; texts: string[]; sms: string | undefined };

const checkTemplate = ({ path, channel, texts, sms }: Checked): ValidationIssue[] => {
  const warnings: ValidationIssue[] = [];
  const variables = new Set(texts.flatMap((t) => compileTemplate(t).variables));
  for (const v of variables) {
    const root = v.split('.')[0] ?? v;
    if (!KNOWN_VARIABLE_ROOTS.has(root)) warnings.push({ path, message: `unknown variable {{${v}}} (left as written when the payload has no "${root}")` });
  }
  if (texts.some((t) => BROKEN_PLACEHOLDER.test(t))) warnings.push({ path, message: 'a "{{" does not open a valid placeholder and will be sent as written' });
  if (channel === 'sms' && sms !== undefined) {
    const { segments, encoding } = smsSegments(compileTemplate(sms).render(SAMPLE, 'none'));
    if (segments > 2) warnings.push({ path, message: `renders to ${segments} SMS segments (${encoding}) with a 6-digit code` });
  }
  return warnings;
};

/**
 * Non-fatal findings, for `config check` and the worker's start-up log: unknown variables, broken
 * placeholders, SMS longer than two segments, and message types a connector cannot render.
 */
export const configWarnings = (
  { config }: LoadedConfig,
  connectors: Record<Channel, Connector[]>,
  resolver: TemplateResolver = createTemplateResolver(config.templates, config.defaultLocale),
): ValidationIssue[] => {
  const checked: Checked[] = config.templates.map((t, i) => ({
    path: `templates[${i}]`,
    channel: t.channel,
    texts: [t.content, ...(t.subject ? [t.subject] : []), ...(t.text ? [t.text] : [])],
    sms: t.channel === 'sms' ? t.content : undefined,
  }));
  for (const channel of ['email', 'sms'] as const) {
    for (const c of connectors[channel]) {
      c.provider.templates.forEach((t, i) => {
        if (t.kind !== 'local') return;
        checked.push({ path: `${channel}.connectors.${c.name}.templates[${i}] (${t.usageType})`, channel, texts: [t.content, ...(t.subject ? [t.subject] : [])], sms: channel === 'sms' ? t.content : undefined });
      });
    }
  }
  const warnings = checked.flatMap(checkTemplate);
  for (const channel of ['email', 'sms'] as const) {
    for (const c of connectors[channel]) {
      const missing = TEMPLATE_TYPES.filter((type) => {
        try {
          resolver.resolve({ channel, type, locale: config.defaultLocale }, c.provider);
          return false;
        } catch (error) {
          if (isDeliveryError(error) && error.code === 'template_not_found') return true;
          throw error;
        }
      });
      if (missing.length > 0) {
        warnings.push({ path: `${channel}.connectors.${c.name}`, message: `no template for ${missing.join(', ')}: such messages will be dead-lettered (template_not_found)` });
      }
    }
  }
  return warnings;
};
