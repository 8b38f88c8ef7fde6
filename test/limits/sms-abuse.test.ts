import { beforeAll, describe, expect, inject, it } from 'vitest';
import { post, useIngests, type Ingest } from '../ingest/support/harness.js';

type Issues = { issues: { path: string; message: string }[] };
const sms = (to: string, extra: Record<string, unknown> = {}) => ({ to, type: 'SignIn', payload: { code: '123456' }, ...extra });

describe('SMS abuse controls', () => {
  const redisUrl = inject('redisUrl');
  const start = useIngests(redisUrl);

  describe('invalid numbers', () => {
    let ingest: Ingest;
    beforeAll(async () => {
      ingest = await start({});
    });

    it.each([
      '',
      '+',
      '+1',
      '4155550123x',
      '+1 415 555 012',
      '+999 1234567',
      '+1415555012345678',
      '+14155550123\n+14155550124',
      '+1-415-555-0123; DROP',
      '+0 4155550123',
      '00 1 415 555 0123',
      '+٤١٥٥٥٥٠١٢٣',
      '+1 415 555 0123 ext. 9',
      'tel:+14155550123',
      '1'.repeat(400),
    ])('400 naming `to` for %j', async (to) => {
      const res = await post(`${ingest.url}/v1/sms`, sms(to));
      expect(res.status).toBe(400);
      expect((res.body as Issues).issues.map((i) => i.path)).toContain('to');
    });

    it('accepts valid numbers of several countries, with or without +', async () => {
      for (const to of ['+447400123456', '+82 10-1234-5678', '4915123456789', '+33 6 12 34 56 78']) {
        expect((await post(`${ingest.url}/v1/sms`, sms(to))).status, to).toBe(200);
      }
    });
  });

  it('allowCountries: only listed destinations pass; others are 400 naming `to`', async () => {
    const ingest = await start({ sms: { allowCountries: ['US', 'GB'] } });
    expect((await post(`${ingest.url}/v1/sms`, sms('+14155550123'))).status).toBe(200);
    expect((await post(`${ingest.url}/v1/sms`, sms('+447400123456'))).status).toBe(200);
    const refused = await post(`${ingest.url}/v1/sms`, sms('+82 10-1234-5678'));
    expect(refused.status).toBe(400);
    expect((refused.body as Issues).issues).toEqual([{ path: 'to', message: 'destination country is not allowed' }]);
    // Email is not affected by the SMS country lists.
    expect((await post(`${ingest.url}/v1/email`, sms('ana@example.kr'))).status).toBe(200);
  });

  it('denyCountries: listed destinations are refused, the rest pass', async () => {
    const ingest = await start({ sms: { denyCountries: ['KR'] } });
    expect((await post(`${ingest.url}/v1/sms`, sms('+82 10-1234-5678'))).status).toBe(400);
    expect((await post(`${ingest.url}/v1/sms`, sms('+14155550123'))).status).toBe(200);
    // A valid number of no country (international freephone) is refused while a list is set.
    expect((await post(`${ingest.url}/v1/sms`, sms('+800 1234 5678'))).status).toBe(400);
  });

  it('without country lists, a valid number of no country passes', async () => {
    const ingest = await start({});
    expect((await post(`${ingest.url}/v1/sms`, sms('+800 1234 5678'))).status).toBe(200);
  });

  it('a refused destination spends no limit budget', async () => {
    const ingest = await start({ perRecipient: { max: 1, windowSeconds: 600 }, perIp: { max: 1, windowSeconds: 600 }, sms: { denyCountries: ['KR'] } });
    expect((await post(`${ingest.url}/v1/sms`, sms('+82 10-1234-5678', { ip: '198.51.100.1' }))).status).toBe(400);
    expect((await post(`${ingest.url}/v1/sms`, sms('+14155550123', { ip: '198.51.100.1' }))).status).toBe(200);
  });

  describe("per-IP limit on Logto's `ip`", () => {
    let ingest: Ingest;
    beforeAll(async () => {
      ingest = await start({ perRecipient: { max: 100, windowSeconds: 600 }, perIp: { max: 2, windowSeconds: 600 } });
    });
    const send = (n: number, ip: string) => post(`${ingest.url}/v1/sms`, sms(`+1415555${String(1000 + n)}`, { ip }));

    it('refuses the third message from one IP to different numbers, with Retry-After; other IPs pass', async () => {
      expect((await send(1, '203.0.113.7')).status).toBe(200);
      expect((await send(2, '203.0.113.7')).status).toBe(200);
      const refused = await send(3, '203.0.113.7');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await send(4, '203.0.113.8')).status).toBe(200);
      // No ip: only the per-recipient limit applies.
      expect((await post(`${ingest.url}/v1/sms`, sms('+14155551005'))).status).toBe(200);
    });

    it('counts an IPv4-mapped IPv6 address as its IPv4', async () => {
      expect((await send(5, '198.51.100.20')).status).toBe(200);
      expect((await send(6, '::ffff:198.51.100.20')).status).toBe(200);
      expect((await send(7, '::FFFF:198.51.100.20')).status).toBe(429);
    });

    it('counts IPv6 per /64 network', async () => {
      expect((await send(8, '2001:db8:1:2::1')).status).toBe(200);
      expect((await send(9, '2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).status).toBe(200);
      expect((await send(10, '2001:db8:1:2:abcd::99')).status).toBe(429);
      expect((await send(11, '2001:db8:1:3::1')).status).toBe(200);
    });

    it('a per-recipient refusal does not spend the IP budget, and the reverse', async () => {
      const tight = await start({ perRecipient: { max: 1, windowSeconds: 600 }, perIp: { max: 2, windowSeconds: 600 } });
      const to = (n: number, ip: string) => post(`${tight.url}/v1/sms`, sms(`+1415555${String(2000 + n)}`, { ip }));
      expect((await to(1, '192.0.2.1')).status).toBe(200);
      expect((await to(1, '192.0.2.1')).status).toBe(429); // recipient full: the IP's second slot stays free
      expect((await to(2, '192.0.2.1')).status).toBe(200);
      expect((await to(3, '192.0.2.1')).status).toBe(429); // IP full
      expect((await to(3, '192.0.2.2')).status).toBe(200); // so recipient 3 was not counted
    });

    it('400 naming `ip` when it is not an IP address', async () => {
      const res = await send(12, '203.0.113.7, 10.0.0.1');
      expect(res.status).toBe(400);
      expect((res.body as Issues).issues.map((i) => i.path)).toEqual(['ip']);
    });
  });
});
