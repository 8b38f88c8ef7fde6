import { describe, expect, it } from 'vitest';
import { compileTemplate, stripHeaderControls } from '../../src/templates/compile.js';
import { htmlToText } from '../../src/templates/html-to-text.js';
import { localeChain, messageLocale } from '../../src/templates/locale.js';
import { createTemplateResolver, renderContent } from '../../src/templates/resolve.js';
import type { ConnectorTemplate, Provider } from '../../src/providers/types.js';
import type { ConfigTemplate } from '../../src/templates/schema.js';
import type { TemplateType } from '../../src/messages/types.js';

describe('compileTemplate (Logto semantics)', () => {
  it.each([
    ['Your code is {{code}}', { code: '123456' }, 'Your code is 123456'],
    ['{{ code }}/{{code}}', { code: '1' }, '1/1'],
    ['Hi {{user.name}}', { user: { name: 'Ana' } }, 'Hi Ana'],
    ['Hi {{user.name}}', { user: {} }, 'Hi '],
    ['Hi {{user.name}}', { user: null }, 'Hi '],
    ['Hi {{user.name}}', {}, 'Hi {{user.name}}'],
    ['{{missing}}', { code: '1' }, '{{missing}}'],
    ['{{n}} {{b}}', { n: 42, b: true }, '42 true'],
    ['{{obj}}', { obj: { a: 1 } }, ''],
    ['{{ a.b.c }}', { a: { b: { c: 'deep' } } }, 'deep'],
  ])('%s with %j → %s', (source, payload, expected) => {
    expect(compileTemplate(source).render(payload, 'none')).toBe(expected);
  });

  it('escapes values, not the template, in HTML, and never twice', () => {
    const t = compileTemplate('<p title="{{user.name}}">{{user.name}} &amp; co</p>');
    expect(t.render({ user: { name: '<script>"x" & \'y\'</script>' } }, 'html')).toBe(
      '<p title="&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;">&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt; &amp; co</p>',
    );
    expect(t.render({ user: { name: '&amp;' } }, 'html')).toContain('&amp;amp;');
  });

  it('lists variables', () => {
    expect(compileTemplate('{{code}} {{user.name}} {{code}}').variables).toEqual(['code', 'user.name']);
  });

  it('strips CR/LF and control characters from header values', () => {
    expect(stripHeaderControls('Hello\r\nBcc: evil@example.com\u0000')).toBe('Hello Bcc: evil@example.com');
  });
});

describe('locales', () => {
  it.each([
    ['zh-Hant-TW', ['zh-Hant-TW', 'zh-Hant', 'zh']],
    ['zh-TW', ['zh-TW', 'zh-Hant-TW', 'zh-Hant', 'zh']],
    ['zh-CN', ['zh-CN', 'zh-Hans-CN', 'zh-Hans', 'zh']],
    ['en', ['en-Latn', 'en']],
    ['ko-KR', ['ko-KR', 'ko-Kore-KR', 'ko-Kore', 'ko']],
    ['not a tag!', []],
  ])('chain of %s', (tag, chain) => {
    expect(localeChain(tag)).toEqual(chain);
  });

  it('takes payload.locale, else uiLocales, else the default', () => {
    expect(messageLocale({ locale: 'ko' }, 'en')).toBe('ko');
    expect(messageLocale({ uiLocales: 'fr-CA en' }, 'en')).toBe('fr-CA');
    expect(messageLocale({ locale: '!!' }, 'en')).toBe('en');
    expect(messageLocale({}, 'de')).toBe('de');
  });
});

const provider = (templates: ConnectorTemplate[], acceptsRenderedContent = true): Provider => ({
  id: 'p', channel: 'email', templates, acceptsRenderedContent, send: async () => ({}), close: async () => {},
});
const local = (usageType: string, content: string): ConnectorTemplate => ({ kind: 'local', usageType, subject: `connector ${usageType}`, content, contentType: 'text/plain' });
const section = (type: TemplateType, locale: string | undefined, content: string): ConfigTemplate => ({ channel: 'email', type, ...(locale && { locale }), subject: `section ${type} ${locale ?? '*'}`, content, contentType: 'text/plain' });

describe('template resolution matrix', () => {
  const sectionTemplates = [section('SignIn', 'zh-Hant', 'S-SignIn-zh-Hant'), section('SignIn', 'en', 'S-SignIn-en'), section('Generic', 'ko', 'S-Generic-ko'), section('Register', undefined, 'S-Register-any')];
  const resolver = createTemplateResolver(sectionTemplates, 'en');
  const withConnector = provider([local('ForgotPassword', 'C-ForgotPassword'), local('Generic', 'C-Generic')]);
  const bare = provider([]);

  it.each([
    // [type, locale, provider, expected origin]
    ['SignIn', 'zh-Hant-TW', withConnector, 'config:SignIn:zh-Hant'],
    ['SignIn', 'zh-TW', withConnector, 'config:SignIn:zh-Hant'],
    ['SignIn', 'ru', withConnector, 'config:SignIn:en'],
    ['Register', 'ja', withConnector, 'config:Register:*'],
    ['ForgotPassword', 'ko', withConnector, 'config:Generic:ko'],
    ['ForgotPassword', 'ru', withConnector, 'connector:ForgotPassword'],
    ['BindMfa', 'ru', withConnector, 'connector:Generic'],
    ['BindMfa', 'ru', bare, 'builtin:BindMfa:ru'],
    ['BindMfa', 'zh-TW', bare, 'builtin:BindMfa:zh-Hant'],
    ['MfaVerification', 'xx', bare, 'builtin:MfaVerification:en'],
  ] as const)('%s in %s → %s', (type, locale, p, origin) => {
    expect(resolver.resolve({ channel: 'email', type, locale }, p).origin).toBe(origin);
  });

  it('uses only vendor templates for connectors that cannot send rendered text', () => {
    const remote = provider([{ kind: 'remote', usageType: 'Generic', ref: { templateCode: 'SMS_1' } }], false);
    expect(resolver.resolve({ channel: 'email', type: 'SignIn', locale: 'en' }, remote)).toMatchObject({ kind: 'remote', ref: { templateCode: 'SMS_1' } });
    expect(() => resolver.resolve({ channel: 'email', type: 'SignIn', locale: 'en' }, provider([], false))).toThrow(/template_not_found/);
  });

  it('renders HTML mail with an escaped body, a plain-text part and a clean subject', () => {
    const r = createTemplateResolver([{ channel: 'email', type: 'SignIn', subject: 'Hi {{user.name}}', content: '<p>Hi {{user.name}}, code <b>{{code}}</b></p>', contentType: 'text/html' }], 'en');
    const content = renderContent(r.resolve({ channel: 'email', type: 'SignIn', locale: 'en' }, bare), 'email', { code: '123456', user: { name: '<b>Eve</b>\r\nBcc: x@y.z' } });
    expect(content).toEqual({
      kind: 'email',
      subject: 'Hi <b>Eve</b> Bcc: x@y.z',
      html: '<p>Hi &lt;b&gt;Eve&lt;/b&gt;\r\nBcc: x@y.z, code <b>123456</b></p>',
      text: 'Hi <b>Eve</b>\r\nBcc: x@y.z, code 123456',
    });
  });
});

describe('htmlToText', () => {
  it('keeps text, links and paragraphs', () => {
    expect(htmlToText('<html><head><style>p{}</style></head><body><p>Hello&nbsp;<b>there</b></p><p><a href="https://x.io/a">Join</a></p>&#x27;&#39;&lt;</body></html>')).toBe("Hello there\n\nJoin (https://x.io/a)\n\n''<");
  });

  it.each([
    ['<p>{{user.name}}님, 로그인 코드는 <b>{{code}}</b> 입니다.</p>', '{{user.name}}님, 로그인 코드는 {{code}} 입니다.'],
    ['<p><a href="{{link}}">{{link}}</a></p>', '{{link}}'],
    ['<h1>Your code</h1><p>Enter it</p>', 'Your code\n\nEnter it'],
    ['<div>one</div><div>two</div>', 'one\n\ntwo'],
    ['<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>after', 'ab\n\nc\n\nafter'],
    ['line<br>next', 'line\nnext'],
    ['<title>T</title><script>x()</script><img src="logo.png" alt="Logo">text', 'text'],
    ['<p>Code\u00a0: {{code}}</p>', 'Code\u00a0: {{code}}'],
    [`<p>${'word '.repeat(40)}</p>`, 'word '.repeat(40).trim()],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('the README example', () => {
  it('renders as the README says', () => {
    const r = createTemplateResolver(
      [{ channel: 'email', type: 'SignIn', locale: 'ko', subject: '{{application.name}} 로그인 코드', content: '<p>{{user.name}}님, 로그인 코드는 <b>{{code}}</b> 입니다.</p>', contentType: 'text/html' }],
      'en',
    );
    const payload = { code: '123456', locale: 'ko-KR', user: { name: '<b>Ana</b>' }, application: { name: 'Acme' } };
    expect(renderContent(r.resolve({ channel: 'email', type: 'SignIn', locale: messageLocale(payload, 'en') }, provider([])), 'email', payload)).toEqual({
      kind: 'email',
      subject: 'Acme 로그인 코드',
      html: '<p>&lt;b&gt;Ana&lt;/b&gt;님, 로그인 코드는 <b>123456</b> 입니다.</p>',
      text: '<b>Ana</b>님, 로그인 코드는 123456 입니다.',
    });
  });
});
