import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { jobDataSchema } from '../../src/messages/job-data.js';
import { TEMPLATE_TYPES } from '../../src/messages/types.js';
import { post, testConfig, useIngest, type Reply } from './support/harness.js';

const POISON = /"(__proto__|constructor|prototype)"/;

const hugeString = fc.nat({ max: 40_000 }).map((n) => 'x'.repeat(n));
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('\r\nBcc: eve@example.com', 'a\u0000b', '\u202e', '𝔞𝔫𝔞@𝔢𝔵𝔞𝔪𝔭𝔩𝔢.𝔠𝔬𝔪', '${jndi:ldap://x}', '{{code}}', '<script>'),
  hugeString,
);
const validRecipient = { email: fc.constantFrom('Ana@Example.com', ' ana@example.com ', 'bob+otp@example.org'), sms: fc.constantFrom('+14155550123', '+1 415 555 0123', '14155550123', '+447400123456') };
const recipient = (channel: 'email' | 'sms') =>
  fc.oneof(
    { weight: 4, arbitrary: validRecipient[channel] },
    { weight: 1, arbitrary: fc.emailAddress() },
    { weight: 1, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.jsonValue() },
  );
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'to', 'code', ''), fc.string());
const junkWith = (key: fc.Arbitrary<string>) =>
  fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), hostileString, fc.array(tie('value'), { maxLength: 4 }), tie('object')),
    object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  })).value;
const junk = junkWith(hostileKey);
/** Logto's payload shape, with junk in the context objects (user, organization, …) it may carry. */
const payload = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      { code: fc.stringMatching(/^\d{6}$/), locale: fc.constantFrom('ko', 'en-US', 'pt-BR'), user: junkWith(fc.string()), organization: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }) },
      { requiredKeys: ['code'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ code: fc.oneof(hostileString, fc.integer()), locale: hostileString, link: hostileString }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: junk },
);
/** A channel and a mostly-shaped body for it (so a good share pass), every field open to junk, sometimes with extra hostile keys. */
const request = fc.constantFrom('email' as const, 'sms' as const).chain((channel) =>
  fc
    .tuple(
      fc.record(
        {
          to: recipient(channel),
          type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TEMPLATE_TYPES) }, { weight: 1, arbitrary: hostileString }),
          payload,
          ip: fc.oneof({ weight: 3, arbitrary: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('::ffff:203.0.113.7')) }, { weight: 1, arbitrary: hostileString }),
        },
        { requiredKeys: ['to', 'type', 'payload'] },
      ),
      fc.dictionary(hostileKey, junk, { minKeys: 1, maxKeys: 2 }),
      fc.nat(4),
    )
    .map(([shaped, extra, dice]) => [channel, dice === 0 ? Object.assign(shaped, extra) : shaped] as const),
);

describe('hostile bodies (property-based): 200 with a valid job, or 400 naming a field; never 500', () => {
  const loaded = testConfig({
    redisUrl: inject('redisUrl'),
    limits: { perRecipient: { max: 1_000_000, windowSeconds: 600 }, perIp: { max: 1_000_000, windowSeconds: 600 } },
    ingest: { bodyLimitBytes: 1_000_000 },
  });
  const ingest = useIngest(loaded);
  const { queue } = ingest;

  const seen = { 200: 0, 400: 0 };
  /** The property every answer must satisfy. `value` is the parsed body, undefined when `raw` is not JSON. */
  const check = async (channel: 'email' | 'sms', raw: string, value: unknown, res: Reply) => {
    if (res.status === 200 || res.status === 400) seen[res.status] += 1;
    expect([200, 400], `${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
    if (res.status === 200) {
      const { id } = res.body as { id: string };
      const data = jobDataSchema.safeParse((await queue.getJob(id))?.data);
      expect(data.success, JSON.stringify(data.error?.issues)).toBe(true);
      expect(data.data?.channel).toBe(channel);
      expect(data.data?.type).toBe((value as { type: string }).type);
      expect(data.data?.body?.to).not.toMatch(/[\r\n\0]/);
      return;
    }
    const { error, issues } = res.body as { error: string; issues: { path: unknown; message: unknown }[] };
    expect(error).toBe('invalid_request');
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(typeof issue.path).toBe('string');
      expect(typeof issue.message).toBe('string');
    }
    // The root may be named only when the body is not an object, or carries a poisoning key.
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (isObject && !POISON.test(raw)) for (const issue of issues) expect(issue.path, JSON.stringify(issues)).not.toBe('');
  };

  it('structured junk on both channels', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ([channel, value]) => {
        const raw = JSON.stringify(value);
        await check(channel, raw, JSON.parse(raw), await post(`${ingest.url}/v1/${channel}`, raw));
      }),
      { numRuns: 200 },
    );
    expect(seen[200]).toBeGreaterThan(0); // both branches of the property were exercised
    expect(seen[400]).toBeGreaterThan(0);
  });

  it('arbitrary JSON values and raw text', async () => {
    const rawBody = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc.constantFrom('{"__proto__":{"admin":true}}', '{"to":"a@b.co","type":"SignIn","payload":{"constructor":{"prototype":{"x":1}}}}', '{"a":1,"a":2}', '\u0000', '{'.repeat(5000)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('email' as const, 'sms' as const), rawBody, async (channel, raw) => {
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          value = undefined;
        }
        await check(channel, raw, value, await post(`${ingest.url}/v1/${channel}`, raw));
      }),
      { numRuns: 200 },
    );
  });

  it('hostile headers: Idempotency-Key and X-Expires-At are validated, not trusted', async () => {
    const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(headerText, headerText, async (key, expires) => {
        const value = { to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } };
        const res = await post(`${ingest.url}/v1/email`, value, { 'idempotency-key': key, 'x-expires-at': expires });
        await check('email', JSON.stringify(value), value, res);
        if (res.status === 400) {
          for (const issue of (res.body as { issues: { path: string }[] }).issues) expect(['Idempotency-Key', 'X-Expires-At']).toContain(issue.path);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is still healthy afterwards, and Object.prototype is untouched', async () => {
    expect((await fetch(`${ingest.url}/healthz`)).status).toBe(200);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
