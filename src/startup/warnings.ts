import type { LoadedConfig } from '../config/load.js';
import { isDeliveryError } from '../errors/delivery-error.js';
import type { ValidationIssue } from '../errors/validation-error.js';
import { CHANNELS, TEMPLATE_TYPES, type Channel, type TemplateType } from '../messages/types.js';
import { compileTemplate } from '../templates/compile.js';
import { createTemplateResolver, type TemplateResolver } from '../templates/resolve.js';
import { smsSegments } from '../templates/sms-segments.js';
import type { Connector } from '../worker/connectors.js';

/** Payload roots Logto sends; other roots in a template are probably typos. */
export const KNOWN_VARIABLE_ROOTS = new Set(['code', 'link', 'locale', 'uiLocales', 'user', 'application', 'organization', 'inviter', 'ip']);

const SAMPLE = { code: '123456', link: 'https://example.com/x' };
/** `{{` that does not open a valid placeholder (`{{ code`, `{{user-name}}`): sent as written. */
const BROKEN_PLACEHOLDER = /\{\{(?!\s*\w+(?:\.\w+)*\s*\}\})/;

/** One template to check: where it is written, its texts, and its SMS body (counted in segments). */
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

const optional = (text: string | undefined): string[] => (text ? [text] : []);

/** The config's `templates:` section, then each connector's own local templates. */
const templatesToCheck = ({ config }: LoadedConfig, connectors: Record<Channel, Connector[]>): Checked[] => {
  const section = config.templates.map((t, i) => ({
    path: `templates[${i}]`,
    channel: t.channel,
    texts: [t.content, ...optional(t.subject), ...optional(t.text)],
    sms: t.channel === 'sms' ? t.content : undefined,
  }));
  const own = CHANNELS.flatMap((channel) =>
    connectors[channel].flatMap((c) =>
      c.provider.templates.flatMap((t, i) =>
        t.kind === 'local'
          ? [{ path: `${channel}.connectors.${c.name}.templates[${i}] (${t.usageType})`, channel, texts: [t.content, ...optional(t.subject)], sms: channel === 'sms' ? t.content : undefined }]
          : [],
      ),
    ),
  );
  return [...section, ...own];
};

/** The message types no template reaches for this connector (they would be dead-lettered). */
const missingTypes = (resolver: TemplateResolver, channel: Channel, connector: Connector, locale: string): TemplateType[] =>
  TEMPLATE_TYPES.filter((type) => {
    try {
      resolver.resolve({ channel, type, locale }, connector.provider);
      return false;
    } catch (error) {
      if (isDeliveryError(error) && error.code === 'template_not_found') return true;
      throw error;
    }
  });

const missingTypeWarnings = ({ config }: LoadedConfig, connectors: Record<Channel, Connector[]>, resolver: TemplateResolver): ValidationIssue[] =>
  CHANNELS.flatMap((channel) =>
    connectors[channel].flatMap((c) => {
      const missing = missingTypes(resolver, channel, c, config.defaultLocale);
      return missing.length > 0
        ? [{ path: `${channel}.connectors.${c.name}`, message: `no template for ${missing.join(', ')}: such messages will be dead-lettered (template_not_found)` }]
        : [];
    }),
  );

/** Receipts on without `ingest.publicUrl`: no per-message callbacks, and Twilio's signature is checked against the URL as the ingest saw it. */
const receiptWarnings = ({ config }: LoadedConfig, connectors: Record<Channel, Connector[]>): ValidationIssue[] =>
  config.ingest.publicUrl
    ? []
    : CHANNELS.flatMap((channel) =>
      connectors[channel]
        .filter((c) => c.receipts)
        .map((c) => ({
          path: `${channel}.connectors.${c.name}.receipts`,
          message: 'ingest.publicUrl is not set: vendors that take a per-message receipt URL (twilio-sms, vonage-sms, smsaero, gatewayapi-sms, outbox) are not asked for receipts, and Twilio signatures are checked against the URL the ingest saw',
        })),
    );

/**
 * Non-fatal findings, for `config check` and the worker's start-up log: unknown variables, broken
 * placeholders, SMS longer than two segments, message types a connector cannot render, and
 * receipts that cannot be asked for. It
 * lives above config and worker because it needs both the parsed config and the built connectors.
 */
export const configWarnings = (
  loaded: LoadedConfig,
  connectors: Record<Channel, Connector[]>,
  resolver: TemplateResolver = createTemplateResolver(loaded.config.templates, loaded.config.defaultLocale),
): ValidationIssue[] => [
  ...templatesToCheck(loaded, connectors).flatMap(checkTemplate),
  ...missingTypeWarnings(loaded, connectors, resolver),
  ...receiptWarnings(loaded, connectors),
];
