import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { closeRedis, connectionFromConfig, createRedis } from '../../src/redis/connection.js';
import { escapeHtml, renderPage } from '../../src/ui/render.js';
import { startUiView, type UiView } from '../../src/ui/start.js';
import { groupLetters } from '../../src/ui/state.js';
import { connectorKey } from '../../src/worker/connectors.js';
import { startPipeline, type Pipeline } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';

const USER = 'oncall';
const PASSWORD = 'correct horse';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const SCREENSHOT = fileURLToPath(new URL('../../docs/ui.png', import.meta.url));

/** Recipients and codes the jobs and dead letters hold in plain text (no encryption keys configured). */
const RECIPIENTS = ['ana@example.com', 'bo@example.com', 'cy@example.com', '+14155550123', '+14155550199'];
const CODES = ['734511', '902284', '118830', '655102', '270019'];

const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));

describe('read-only web view (SPEC §14)', () => {
  let pipeline: Pipeline;
  let view: UiView;
  let redis: ReturnType<typeof createRedis>;
  const url = () => `http://127.0.0.1:${view.port}/`;

  beforeAll(async () => {
    const refuser = createScriptedProvider('scripted', [{ fail: 'permanent', code: 'invalid_number' }]);
    pipeline = await startPipeline({
      providers: [refuser.definition],
      config: { queue: { attempts: 1 }, sms: { active: 'refuser', fallback: ['spare'], connectors: { refuser: { provider: 'scripted' }, spare: { provider: 'scripted' } } } },
    });
    const sms = await Promise.all(RECIPIENTS.slice(3).map((to, i) => pipeline.producer.send({ channel: 'sms', to, type: 'SignIn', payload: { code: CODES[3 + i] } })));
    for (const { id } of sms) expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('dead');
    await pipeline.stopWorker();
    // Waiting jobs with plain-text bodies: the view must not show them.
    for (const [i, to] of RECIPIENTS.slice(0, 3).entries()) await pipeline.producer.send({ channel: 'email', to, type: 'SignIn', payload: { code: CODES[i] } });
    const { config } = pipeline.loaded;
    redis = createRedis(connectionFromConfig(config.redis), 'commands');
    await redis.set(connectorKey(config.redis.prefix, { channel: 'sms', name: 'refuser' }, 'open'), '1', 'PX', 60_000);
    await redis.set(connectorKey(config.redis.prefix, { channel: 'email', name: 'main' }, 'pause'), '1', 'PX', 90_000);
    const chains = { email: [...pipeline.loaded.chains.email], sms: [...pipeline.loaded.chains.sms] };
    const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
    view = await startUiView(config, { port: 0, host: '127.0.0.1', authorization: [BASIC, 'Bearer other-token'] }, () => chains, logger);
  });

  afterAll(async () => {
    await view?.close();
    if (redis) await closeRedis(redis, 1000);
    await pipeline?.close();
  });

  it('answers 401 with a Basic challenge without the right Authorization', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Basic b25jYWxsOndyb25n' }, { authorization: BASIC.replace('Basic', 'basic') }]) {
      const res = await fetch(url(), { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="otp-courier"/);
      expect(await res.text()).not.toContain('permanent_failure');
    }
  });

  it('shows counts by state, dead letters by reason and provider, connector states; never a recipient or code', async () => {
    const res = await fetch(url(), { headers: { authorization: BASIC } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/<tr><td>otp<\/td><td>3<\/td><td>0<\/td><td>0<\/td><td>\d+<\/td>/); // queue otp: 3 waiting
    expect(html).toContain('Dead letters in otp-dead: 2');
    expect(html).toMatch(/<td>permanent_failure<\/td><td>scripted<\/td><td>2<\/td>/);
    expect(html).toMatch(/<td>sms<\/td><td>refuser<\/td><td>scripted<\/td><td>active<\/td><td>circuit open<\/td>/);
    expect(html).toMatch(/<td>sms<\/td><td>spare<\/td><td>scripted<\/td><td>fallback<\/td><td>circuit closed<\/td>/);
    expect(html).toMatch(/<td>email<\/td><td>main<\/td><td>outbox<\/td><td>active<\/td><td>circuit closed, paused 1m \d+s more<\/td>/);
    expect(html).not.toContain('<script');
    for (const secret of [...RECIPIENTS, ...CODES, 'example.com', '4155550']) expect(html).not.toContain(secret);
  });

  it('accepts any of the configured values (a Bearer token too)', async () => {
    expect((await fetch(url(), { headers: { authorization: 'Bearer other-token' } })).status).toBe(200);
  });

  describe.skipIf(!chromiumPath)(`in a real headless browser (skipped: no Chromium at $CHROMIUM_PATH, /usr/bin/chromium or /usr/bin/chromium-browser)`, () => {
    it('logs in with Basic auth, renders the tables, and screenshots it (UPDATE_SCREENSHOTS=1 writes docs/ui.png)', async () => {
      const browser = await chromium.launch({ executablePath: chromiumPath, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
      try {
        const denied = await (await browser.newContext()).newPage();
        // Chromium without credentials gets the 401 challenge and gives up on the page.
        await expect(denied.goto(url())).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
        const context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD }, viewport: { width: 900, height: 600 } });
        const page = await context.newPage();
        expect((await page.goto(url()))?.status()).toBe(200);
        expect(await page.locator('caption').allTextContents()).toEqual([
          'Queues: jobs by state',
          'Dead letters in otp-dead: 2',
          'Connectors: circuit state and vendor pauses (shared by every worker)',
        ]);
        const text = await page.locator('body').innerText();
        expect(text).toContain('permanent_failure');
        expect(text).toContain('circuit open');
        for (const secret of [...RECIPIENTS, ...CODES]) expect(text).not.toContain(secret);
        // docs/ui.png is refreshed on request only, so a test run leaves the checkout clean.
        const shot = await page.screenshot({ fullPage: true, ...(process.env.UPDATE_SCREENSHOTS === '1' && { path: SCREENSHOT }) });
        expect(shot.length).toBeGreaterThan(1000);
        expect(existsSync(SCREENSHOT)).toBe(true);
      } finally {
        await browser.close();
      }
    }, 60_000);
  });
});

describe('ui config', () => {
  const parse = (ui: unknown) => () => parseConfig({ redis: { url: 'redis://127.0.0.1:6379' }, ui }, createProviderRegistry(), {});
  it('defaults to 127.0.0.1:9465 and needs authorization on any other host', () => {
    expect(parse({})().config.ui).toEqual({ port: 9465, host: '127.0.0.1' });
    expect(parse({ host: '0.0.0.0' })).toThrow('ui.authorization: required when host is not a loopback address');
    expect(parse({ host: '0.0.0.0', authorization: ['Basic x'] })().config.ui?.host).toBe('0.0.0.0');
    expect(parse({ port: 1, extra: true })).toThrow('unknown key "extra"');
  });
});

describe('view rendering', () => {
  it('escapes every value it shows', () => {
    const hostile = '<img src=x onerror=alert(1)>&"\'';
    const html = renderPage({
      readAt: 0,
      queues: [{ name: hostile, waiting: 1, active: 0, delayed: 0, failed: 0, oldestWaitingAgeSeconds: 3 }],
      deadLetters: [{ queue: hostile, total: 1, grouped: 1, groups: [{ reason: hostile, provider: hostile, count: 1, oldestFailedAt: 0 }] }],
      connectors: [{ channel: 'sms', name: hostile, provider: hostile, role: 'active', open: false, pausedForMs: 0 }],
    });
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(hostile));
    expect(escapeHtml(hostile)).toBe('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;');
  });

  it('groups dead letters by reason and provider, largest first, with the oldest failure', () => {
    expect(groupLetters([
      { reason: 'a', provider: 'p', failedAt: 5 },
      { reason: 'b', failedAt: 1 },
      { reason: 'a', provider: 'p', failedAt: 2 },
      { reason: 'a', provider: 'q', failedAt: 9 },
    ])).toEqual([
      { reason: 'a', provider: 'p', count: 2, oldestFailedAt: 2 },
      { reason: 'b', provider: null, count: 1, oldestFailedAt: 1 },
      { reason: 'a', provider: 'q', count: 1, oldestFailedAt: 9 },
    ]);
  });
});
