import { describe, expect, it } from 'vitest';
import { TEMPLATE_TYPES, type TemplateType } from '../../src/messages/types.js';
import { BUILTIN_DEFAULT_LOCALE, BUILTIN_TEMPLATES } from '../../src/templates/defaults/index.js';
import { emailHtml, escapeHtml, paragraph } from '../../src/templates/defaults/layout.js';
import { smsSegments } from '../../src/templates/sms-segments.js';

const LANGUAGES = ['en', 'ko', 'zh-Hant', 'zh-Hans', 'ru', 'ja', 'de', 'fr', 'es'];
/** Languages whose SMS must stay in GSM-7 (a stray `’` or `ç` would switch to UCS-2). */
const GSM7_LANGUAGES = new Set(['en', 'de', 'fr']);
const CODE = '123456';
const LINK = 'https://example.com/invite/abc';

const placeholder = (type: TemplateType) => (type === 'OrganizationInvitation' ? 'link' : 'code');
const render = (text: string) => text.replaceAll('{{code}}', CODE).replaceAll('{{link}}', LINK);
/** Every `{{ … }}` the Logto renderer would look at (word chars and dots, spaces tolerated). */
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]);

const cases = LANGUAGES.flatMap((lang) => TEMPLATE_TYPES.map((type) => [lang, type] as const));
const template = (lang: string, type: TemplateType) => {
  const template = BUILTIN_TEMPLATES[lang]?.[type];
  if (!template) throw new Error(`no built-in ${lang}/${type}`);
  return template;
};

/** Open/close balance of the elements the layout uses (comments, incl. Outlook's, removed). */
const unbalancedTags = (html: string): string[] => {
  const stack: string[] = [];
  const problems: string[] = [];
  const voids = new Set(['meta', 'br', '!doctype']);
  for (const [, close, name] of html.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)(!?[a-zA-Z][\w-]*)/g)) {
    const tag = name!.toLowerCase();
    if (voids.has(tag)) continue;
    if (!close) stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`</${tag}>`);
  }
  return [...problems, ...stack];
};

describe('built-in default templates', () => {
  it('has the nine Logto template types in each of the nine languages, English the default', () => {
    expect(Object.keys(BUILTIN_TEMPLATES).sort()).toEqual([...LANGUAGES].sort());
    expect(BUILTIN_TEMPLATES[BUILTIN_DEFAULT_LOCALE]).toBeDefined();
    for (const lang of LANGUAGES) expect(Object.keys(BUILTIN_TEMPLATES[lang] ?? {}).sort()).toEqual([...TEMPLATE_TYPES].sort());
  });

  it.each(cases)('%s %s: subject is one non-empty line', (lang, type) => {
    const { subject } = template(lang, type);
    expect(subject.trim()).toBe(subject);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s %s: uses only its own placeholder, in the body, text part and SMS', (lang, type) => {
    const { subject, html, text, sms } = template(lang, type);
    const own = placeholder(type);
    for (const part of [subject, html, text, sms]) {
      expect(placeholders(part).every((name) => name === own)).toBe(true);
      expect(part.replaceAll(`{{${own}}}`, '')).not.toMatch(/\{\{|\}\}/);
    }
    expect(placeholders(html)).toContain(own);
    expect(placeholders(text)).toContain(own);
    expect(placeholders(sms)).toContain(own);
  });

  it.each(cases)('%s %s: HTML is a self-contained document with lang="%s"', (lang, type) => {
    const { html, subject } = template(lang, type);
    expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<(script|style|link|img|iframe|object)\b|\bsrc=|url\(|@import|@font-face/i);
    expect(unbalancedTags(html)).toEqual([]);
    expect(html).toContain(`<title>${escapeHtml(subject)}</title>`);
    expect(html).toContain(`>${escapeHtml(subject)}</h1>`);
  });

  it.each(cases)('%s %s: SMS fits one segment with the value substituted', (lang, type) => {
    const result = smsSegments(render(template(lang, type).sms));
    expect(result.segments).toBe(1);
    if (GSM7_LANGUAGES.has(lang)) expect(result.encoding).toBe('GSM-7');
  });

  it('escapes copy in the HTML shell but keeps placeholders', () => {
    const html = emailHtml({ lang: 'en', subject: 'A & <b>', blocks: [paragraph('it’s "{{code}}"')], footer: "don't" });
    expect(html).toContain('<title>A &amp; &lt;b&gt;</title>');
    expect(html).toContain('it’s &quot;{{code}}&quot;');
    expect(html).toContain('don&#39;t');
  });

  it('puts the link in the invitation button', () => {
    for (const lang of LANGUAGES) expect(template(lang, 'OrganizationInvitation').html).toContain('href="{{link}}"');
  });

  it.each(LANGUAGES)('%s: golden file of every rendered default', async (lang) => {
    const sections = TEMPLATE_TYPES.map((type) => {
      const { subject, text, sms } = template(lang, type);
      const rendered = render(sms);
      const { encoding, units, segments } = smsSegments(rendered);
      return [
        `======== ${type} ========`,
        `Subject: ${render(subject)}`,
        '',
        '--- email text ---',
        render(text),
        '',
        `--- SMS (${encoding}, ${units} units, ${segments} segment) ---`,
        rendered,
      ].join('\n');
    });
    const header = `# Built-in defaults, ${lang} (code=${CODE}, link=${LINK})`;
    await expect([header, ...sections, ''].join('\n\n')).toMatchFileSnapshot(`./__golden__/${lang}.txt`);
  });
});
