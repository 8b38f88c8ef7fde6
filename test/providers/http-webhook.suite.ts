import { instantiate } from '../../src/providers/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { httpWebhookConfigSchema } from '../../src/providers/http-webhook/config.js';
import type { OutgoingMessage, Provider, ProviderDefinition } from '../../src/providers/types.js';
import type { Channel } from '../../src/messages/types.js';
import { startStandIn, type RecordedRequest, type StandIn } from '../helpers/http-stand-in.js';
import { expectRejectedAt } from './support/config.js';
import { ctx, deliveryFailure } from './support/delivery.js';
import { describeTransportBehaviour } from './support/transport.js';

/** A 32-byte key in Standard Webhooks' `whsec_` format. */
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

const sendError = (provider: Provider, message: OutgoingMessage) => deliveryFailure(provider.send(message, ctx()));

const headerRecord = (req: RecordedRequest | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(req?.headers ?? {}).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));

/**
 * The shared contract of Logto's HTTP email and HTTP SMS connectors (same wire format), run
 * against a stand-in endpoint for each provider.
 */
export const describeHttpWebhookProvider = (
  definition: ProviderDefinition<typeof httpWebhookConfigSchema>,
  channel: Channel,
  message: OutgoingMessage,
): void => {
  const id = definition.id;
  const deps = { name: 'main', channel, logger: pino({ level: 'silent' }) };
  const create = (config: unknown) => instantiate(definition, definition.configSchema.parse(config), deps);

  describe(`${id} config`, () => {
    it('accepts a Logto config unchanged, plus signingSecret and timeoutMs', () => {
      const logto = { endpoint: 'https://hooks.example.com/otp', authorization: 'Bearer xyz' };
      expect(definition.configSchema.parse(logto)).toEqual(logto);
      expect(definition.configSchema.parse({ endpoint: 'http://127.0.0.1:8080/otp' })).toEqual({ endpoint: 'http://127.0.0.1:8080/otp' });
      const full = { ...logto, signingSecret: SECRET, timeoutMs: 2500 };
      expect(definition.configSchema.parse(full)).toEqual(full);
    });

    it.each([
      [{}, ['endpoint']],
      [{ endpoint: 'not a url' }, ['endpoint']],
      [{ endpoint: 'https://hooks.example.com', authorization: 42 }, ['authorization']],
      [{ endpoint: 'https://hooks.example.com', signingSecret: 'whsec_' }, ['signingSecret']],
      [{ endpoint: 'https://hooks.example.com', signingSecret: 'secret-without-prefix' }, ['signingSecret']],
      [{ endpoint: 'https://hooks.example.com', signingSecret: 'whsec_not base64!' }, ['signingSecret']],
      [{ endpoint: 'https://hooks.example.com', headers: {} }, []],
    ])('rejects a bad config with the field path (%#)', (config, path) => expectRejectedAt(definition.configSchema, config, path));
  });

  describe(`${id} against a stand-in`, () => {
    let standIn: StandIn;

    beforeAll(async () => {
      standIn = await startStandIn({ status: 204 });
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    afterAll(async () => {
      await standIn.close();
    });

    it("sends exactly Logto's request: POST endpoint, JSON {to, type, payload, ip}, Authorization verbatim", async () => {
      const provider = create({ endpoint: `${standIn.url}/hooks/otp?tenant=acme`, authorization: 'Bearer xyz' });
      expect(provider.templates).toEqual([]);
      expect(provider.acceptsRenderedContent).toBe(true);
      standIn.reply({ status: 200, body: { ignored: true } });
      // No id of the service's own in the answer: the send records ours (receipts name it, SPEC §8).
      await expect(provider.send(message, ctx())).resolves.toEqual({ providerMessageId: message.id });
      await provider.close();

      const req = standIn.requests.at(-1);
      expect(req?.method).toBe('POST');
      expect(req?.url).toBe('/hooks/otp?tenant=acme');
      expect(req?.headers['content-type']).toBe('application/json');
      expect(req?.headers.authorization).toBe('Bearer xyz');
      expect(Object.keys(req?.headers ?? {}).filter((h) => h.startsWith('webhook-'))).toEqual([]);
      expect(JSON.parse(req?.body ?? '')).toEqual({ to: message.to, type: message.type, payload: message.payload, ip: message.ip });
    });

    it("records the service's own id when its 2xx answer names one ({\"providerMessageId\"})", async () => {
      const provider = create({ endpoint: `${standIn.url}/otp` });
      standIn.reply({ status: 201, body: { providerMessageId: 'svc-123', extra: true } });
      await expect(provider.send(message, ctx())).resolves.toEqual({ providerMessageId: 'svc-123' });
      standIn.reply({ status: 200, body: { providerMessageId: '' } });
      await expect(provider.send(message, ctx())).resolves.toEqual({ providerMessageId: message.id });
      await provider.close();
    });

    it('omits Authorization (unset or blank) and ip when not set, and sends the payload, not the rendered content', async () => {
      const provider = create({ endpoint: `${standIn.url}/otp`, authorization: '' });
      standIn.reply({ status: 204 });
      const { ip: _ip, ...withoutIp } = message;
      await provider.send({ ...withoutIp, content: { kind: 'remote', ref: { templateAlias: 'x' } } }, ctx());
      await provider.close();
      const req = standIn.requests.at(-1);
      expect(req?.headers.authorization).toBeUndefined();
      expect(JSON.parse(req?.body ?? '')).toEqual({ to: message.to, type: message.type, payload: message.payload });
    });

    it('signs with Standard Webhooks headers that the standardwebhooks library verifies', async () => {
      const provider = create({ endpoint: `${standIn.url}/otp`, signingSecret: SECRET });
      standIn.reply({ status: 202 });
      const before = Math.floor(Date.now() / 1000);
      await provider.send(message, ctx());
      await provider.close();

      const req = standIn.requests.at(-1);
      const headers = headerRecord(req);
      expect(headers['webhook-id']).toBe(message.id);
      expect(Number(headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(new Webhook(SECRET).verify(req?.body ?? '', headers)).toEqual(JSON.parse(req?.body ?? ''));
      expect(() => new Webhook(SECRET).verify(`${req?.body ?? ''} `, headers)).toThrow();
    });

    it('keeps webhook-id across retries and signs each attempt with its own timestamp', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const provider = create({ endpoint: `${standIn.url}/otp`, signingSecret: SECRET });
      standIn.reply({ status: 503 });
      vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
      await sendError(provider, message);
      const first = headerRecord(standIn.requests.at(-1));
      expect(new Webhook(SECRET).verify(standIn.requests.at(-1)?.body ?? '', first)).toBeDefined();

      standIn.reply({ status: 200 });
      vi.setSystemTime(new Date('2030-01-01T00:01:30Z'));
      await provider.send(message, { signal: new AbortController().signal, attempt: 2 });
      const second = headerRecord(standIn.requests.at(-1));
      expect(new Webhook(SECRET).verify(standIn.requests.at(-1)?.body ?? '', second)).toBeDefined();
      await provider.close();

      expect(second['webhook-id']).toBe(first['webhook-id']);
      expect([first['webhook-timestamp'], second['webhook-timestamp']]).toEqual(['1893456000', '1893456090']);
      expect(second['webhook-signature']).not.toBe(first['webhook-signature']);
    });

    it.each([
      [{ status: 410 }, 'permanent', 'connector', 'http_410', undefined],
      [{ status: 429, headers: { 'retry-after': '3' } }, 'rate_limited', 'connector', 'http_429', 3000],
      [{ status: 502, headers: { 'retry-after': '4' } }, 'retryable', 'connector', 'http_502', 4000],
      [{ status: 504, headers: { 'retry-after': '5' } }, 'retryable', 'connector', 'http_504', 5000],
      [{ status: 500 }, 'retryable', 'connector', 'http_500', undefined],
      [{ status: 401 }, 'permanent', 'connector', 'http_401', undefined],
      [{ status: 400, body: { error: `bad recipient ${message.to}` } }, 'permanent', 'message', 'http_400', undefined],
    ] as const)('classifies %j', async (reply, kind, scope, code, retryAfterMs) => {
      const provider = create({ endpoint: `${standIn.url}/otp` });
      standIn.reply(reply);
      const error = await sendError(provider, message);
      await provider.close();
      expect({ kind: error.kind, scope: error.scope, code: error.code, retryAfterMs: error.retryAfterMs }).toEqual({ kind, scope, code, retryAfterMs });
      expect(error.message).not.toContain(message.to);
    });
  });

  describeTransportBehaviour(id, {
    create: (url, extra) => create({ endpoint: `${url}/otp`, ...extra }),
    message: (i) => ({ ...message, id: `msg-${i}` }),
    ok: { status: 204 },
  });
};
