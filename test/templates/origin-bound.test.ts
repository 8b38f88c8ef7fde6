import { describe, expect, it } from 'vitest';
import { instantiate } from '../../src/providers/types.js';
import { outboxProvider } from '../../src/providers/outbox/index.js';
import { ORIGIN_BOUND_DOMAIN, withOriginBound, withOriginBoundLine } from '../../src/templates/origin-bound.js';
import { createTemplateResolver, renderContent } from '../../src/templates/resolve.js';
import { smsSegments } from '../../src/templates/sms-segments.js';
import { pino } from 'pino';

const provider = instantiate(outboxProvider, outboxProvider.configSchema.parse({}), { name: 'o', channel: 'sms', logger: pino({ level: 'silent' }) });

describe('origin-bound code line (sms.originBoundDomain)', () => {
  it.each([
    ['Your code is 123456', '123456', 'Your code is 123456\n\n@example.com #123456'],
    ['Your code is 123456\n', '123456', 'Your code is 123456\n\n@example.com #123456'],
    ['Your link', undefined, 'Your link'],
    ['Odd code', '12 34', 'Odd code'],
  ])('%j with code %j', (text, code, expected) => {
    expect(withOriginBoundLine(text, 'example.com', code)).toBe(expected);
  });

  it('is appended to every SMS the resolver renders, and to no email', () => {
    const resolver = withOriginBound(createTemplateResolver([], 'en'), 'login.example.com');
    const sms = renderContent(resolver.resolve({ channel: 'sms', type: 'SignIn', locale: 'en' }, provider), 'sms', { code: '654321' });
    expect(sms.kind === 'sms' && sms.text.endsWith('\n\n@login.example.com #654321')).toBe(true);
    const email = renderContent(resolver.resolve({ channel: 'email', type: 'SignIn', locale: 'en' }, provider), 'email', { code: '654321' });
    expect(JSON.stringify(email)).not.toContain('#654321');
  });

  it('keeps the built-in SMS of every type within two segments with the line', () => {
    const resolver = withOriginBound(createTemplateResolver([], 'en'), 'accounts.example.com');
    for (const type of ['SignIn', 'Register', 'ForgotPassword', 'Generic', 'MfaVerification'] as const) {
      const sms = renderContent(resolver.resolve({ channel: 'sms', type, locale: 'en' }, provider), 'sms', { code: '123456' });
      expect(sms.kind === 'sms' && smsSegments(sms.text).segments).toBeLessThanOrEqual(2);
    }
  });

  it('takes hostnames only', () => {
    expect(ORIGIN_BOUND_DOMAIN.test('example.com')).toBe(true);
    for (const bad of ['https://example.com', 'example.com:443', 'example', 'Example.com', 'a b.com']) expect(ORIGIN_BOUND_DOMAIN.test(bad)).toBe(false);
  });
});

describe('sms.originBoundDomain through the worker (real Redis)', () => {
  it('the delivered SMS ends with the origin-bound line', async () => {
    const { startPipeline, eventually } = await import('../helpers/pipeline.js');
    const pipeline = await startPipeline({ config: { sms: { originBoundDomain: 'login.example.com' } } });
    try {
      const { id } = await pipeline.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '246810' } });
      const line = await eventually(async () => (await pipeline.outbox()).find((l) => l.id === id));
      expect(String(line?.body)).toMatch(/\n\n@login\.example\.com #246810$/);
    } finally {
      await pipeline.close();
    }
  });
});
