import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { buildWebhookRequest } from '../../src/providers/http-webhook/request.js';
import { SIGNING_SECRET_PATTERN, signStandardWebhook, signingKey } from '../../src/providers/http-webhook/signature.js';
import type { OutgoingMessage } from '../../src/providers/types.js';

describe('Standard Webhooks signature', () => {
  it("matches the specification's published example", () => {
    const signature = signStandardWebhook({
      key: signingKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: Buffer.from('{"test": 2432232314}'),
    });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it.each([
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true],
    ['whsec_AA==', true],
    ['whsec_', false],
    ['whsec_abc', false],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false],
    ['whsec_MfKQ9r8G-KYqrTwjUPD8ILPZIo2LaLaSw', false],
  ])('secret format %s → %s', (secret, valid) => {
    expect(SIGNING_SECRET_PATTERN.test(secret)).toBe(valid);
  });

  it('signs the exact UTF-8 bytes it sends (verified by the standardwebhooks library)', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const message: OutgoingMessage = {
      id: 'msg-utf8',
      channel: 'sms',
      to: '+886912345678',
      type: 'Generic',
      locale: 'zh-Hant-TW',
      payload: { code: '000000', note: '驗證碼 ✓ "quoted" \u2028' },
      content: { kind: 'sms', text: 'ignored' },
    };
    const timestamp = Math.floor(Date.now() / 1000);
    const { headers, body } = buildWebhookRequest(message, { key: signingKey(secret), timestamp });
    expect(headers['webhook-id']).toBe('msg-utf8');
    expect(headers['webhook-timestamp']).toBe(String(timestamp));
    expect(new Webhook(secret).verify(body.toString('utf8'), headers)).toEqual({ to: message.to, type: 'Generic', payload: message.payload });
  });
});
