import type { ConfigTemplate } from './schema.js';
import { DeliveryError } from '../errors/delivery-error.js';
import type { Channel, ContentType, Payload, TemplateType } from '../messages/types.js';
import type { ConnectorTemplate, MessageContent, Provider } from '../providers/types.js';
import { compileTemplate, stripHeaderControls, type CompiledTemplate } from './compile.js';
import { BUILTIN_TEMPLATES } from './defaults/index.js';
import { htmlToText } from './html-to-text.js';
import { canonical, localeChain } from './locale.js';
import { withOriginBoundLine } from './origin-bound.js';

/** A template ready to render, compiled once at start-up. */
export type LocalCompiled = {
  kind: 'local';
  /** Where it came from, for logs: `config:SignIn:ko`, `connector:Generic`, `builtin:SignIn:en`. */
  origin: string;
  contentType: ContentType;
  subject?: CompiledTemplate;
  body: CompiledTemplate;
  /** Plain-text part of HTML mail (given, or generated from the HTML). */
  text?: CompiledTemplate;
  replyTo?: CompiledTemplate;
  /** SMS: the domain of the origin-bound code line appended to the text (`sms.originBoundDomain`). */
  originBound?: string;
};
export type RemoteResolved = { kind: 'remote'; origin: string; ref: Readonly<Record<string, unknown>> };
export type Resolved = LocalCompiled | RemoteResolved;

type Lookup = { channel: Channel; type: TemplateType; locale: string };

const ANY_LOCALE = '*';
const key = (channel: Channel, type: string, locale: string) => `${channel}\u0000${type}\u0000${locale}`;

const compileLocal = (
  origin: string,
  t: { subject?: string | undefined; content: string; contentType: ContentType; text?: string | undefined; replyTo?: string | undefined },
): LocalCompiled => ({
  kind: 'local',
  origin,
  contentType: t.contentType,
  ...(t.subject !== undefined && { subject: compileTemplate(t.subject) }),
  body: compileTemplate(t.content),
  ...(t.contentType === 'text/html' && { text: compileTemplate(t.text ?? htmlToText(t.content)) }),
  ...(t.replyTo !== undefined && { replyTo: compileTemplate(t.replyTo) }),
});

const compileConnectorTemplate = (t: ConnectorTemplate): Resolved =>
  t.kind === 'remote' ? { kind: 'remote', origin: `connector:${t.usageType}`, ref: t.ref } : compileLocal(`connector:${t.usageType}`, t);

export type TemplateResolver = {
  /** Throws a permanent `template_not_found` DeliveryError when nothing matches. */
  resolve(lookup: Lookup, provider: Provider): Resolved;
};

/**
 * The resolution order (SPEC §4, issue #4): the `templates:` section (type in the locale chain, then
 * the default locale's chain, then any-locale entries; then Generic the same way), the connector's
 * template for the type, its Generic, the built-in default for the type (locale chain), the built-in
 * Generic. A connector that cannot send rendered text only uses its own (vendor) templates.
 */
export const createTemplateResolver = (templates: readonly ConfigTemplate[], defaultLocale: string): TemplateResolver => {
  const section = new Map<string, LocalCompiled>();
  for (const t of templates) {
    const locale = t.locale === undefined ? ANY_LOCALE : (canonical(t.locale) ?? t.locale);
    const k = key(t.channel, t.type, locale);
    if (section.has(k)) continue; // first one wins, as written
    section.set(k, compileLocal(`config:${t.type}:${locale}`, { ...t, contentType: t.contentType ?? (t.channel === 'email' ? 'text/html' : 'text/plain') }));
  }
  const builtin = new Map<string, LocalCompiled>();
  for (const [locale, catalog] of Object.entries(BUILTIN_TEMPLATES)) {
    for (const [type, t] of Object.entries(catalog)) {
      builtin.set(key('email', type, locale), compileLocal(`builtin:${type}:${locale}`, { subject: t.subject, content: t.html, text: t.text, contentType: 'text/html' }));
      builtin.set(key('sms', type, locale), compileLocal(`builtin:${type}:${locale}`, { content: t.sms, contentType: 'text/plain' }));
    }
  }
  const connectorCache = new WeakMap<Provider, Map<string, Resolved>>();
  const connectorTemplates = (provider: Provider): Map<string, Resolved> => {
    let map = connectorCache.get(provider);
    if (!map) {
      map = new Map();
      for (const t of provider.templates) if (!map.has(t.usageType)) map.set(t.usageType, compileConnectorTemplate(t));
      connectorCache.set(provider, map);
    }
    return map;
  };
  const chainCache = new Map<string, string[]>();
  const chainFor = (locale: string): string[] => {
    let chain = chainCache.get(locale);
    if (!chain) {
      chain = [...new Set([...localeChain(locale), ...localeChain(defaultLocale)])];
      if (chainCache.size < 1000) chainCache.set(locale, chain);
    }
    return chain;
  };
  const find = (map: Map<string, LocalCompiled>, channel: Channel, type: string, chain: readonly string[]) => {
    for (const locale of chain) {
      const hit = map.get(key(channel, type, locale));
      if (hit) return hit;
    }
    return undefined;
  };

  // Email templates without a subject borrow the built-in one; done once per template and language.
  const subjectCache = new WeakMap<LocalCompiled, Map<string, LocalCompiled>>();
  const withSubject = (t: LocalCompiled, channel: Channel, type: string, locale: string, chain: readonly string[]): LocalCompiled => {
    if (channel !== 'email' || t.subject) return t;
    let byLocale = subjectCache.get(t);
    if (!byLocale) subjectCache.set(t, (byLocale = new Map<string, LocalCompiled>()));
    let done = byLocale.get(locale);
    if (!done) {
      done = borrowSubject(t, type, chain, builtin);
      if (byLocale.size < 100) byLocale.set(locale, done);
    }
    return done;
  };

  return {
    resolve({ channel, type, locale }, provider) {
      const chain = chainFor(locale);
      const own = connectorTemplates(provider);
      if (provider.acceptsRenderedContent) {
        const fromSection =
          find(section, channel, type, [...chain, ANY_LOCALE]) ?? find(section, channel, 'Generic', [...chain, ANY_LOCALE]);
        if (fromSection) return withSubject(fromSection, channel, type, locale, chain);
      }
      const fromConnector = own.get(type) ?? own.get('Generic');
      if (fromConnector && (fromConnector.kind === 'remote' || provider.acceptsRenderedContent)) {
        return fromConnector.kind === 'local' ? withSubject(fromConnector, channel, type, locale, chain) : fromConnector;
      }
      if (provider.acceptsRenderedContent) {
        const fromBuiltin = find(builtin, channel, type, chain) ?? find(builtin, channel, 'Generic', chain);
        if (fromBuiltin) return fromBuiltin;
      }
      throw new DeliveryError({ kind: 'permanent', provider: provider.id, code: 'template_not_found', message: `no ${channel} template for ${type}` });
    },
  };
};

/** The built-in subject for the type, in the first language of the chain that has one. */
const borrowSubject = (t: LocalCompiled, type: string, chain: readonly string[], builtin: Map<string, LocalCompiled>): LocalCompiled => {
  for (const locale of chain) {
    const subject = builtin.get(key('email', type, locale))?.subject;
    if (subject) return { ...t, subject };
  }
  return t;
};

/** Renders a resolved template for one message. */
export const renderContent = (resolved: Resolved, channel: Channel, payload: Payload): MessageContent => {
  if (resolved.kind === 'remote') return { kind: 'remote', ref: resolved.ref };
  if (channel === 'sms') {
    const text = resolved.body.render(payload, 'none');
    return { kind: 'sms', text: resolved.originBound ? withOriginBoundLine(text, resolved.originBound, payload.code) : text };
  }
  const subject = stripHeaderControls(resolved.subject?.render(payload, 'none') ?? '');
  const replyTo = resolved.replyTo ? stripHeaderControls(resolved.replyTo.render(payload, 'none')) : undefined;
  const base = { kind: 'email' as const, subject, ...(replyTo && { replyTo }) };
  if (resolved.contentType === 'text/html') {
    return { ...base, html: resolved.body.render(payload, 'html'), text: (resolved.text ?? resolved.body).render(payload, 'none') };
  }
  return { ...base, text: resolved.body.render(payload, 'none') };
};
