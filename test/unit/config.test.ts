import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load.js';
import { createProviderRegistry } from '../../src/providers/registry.js';

const registry = createProviderRegistry();
const issuesOf = (raw: unknown, env: NodeJS.ProcessEnv = {}) => {
  try {
    parseConfig(raw, registry, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
};

/** Logto's SMTP connector config, as exported from the console. */
const logtoSmtp = {
  host: 'smtp.example.com',
  port: 587,
  auth: { user: 'mailer', pass: 'hunter2-secret' },
  fromEmail: 'no-reply@example.com',
  templates: [
    { usageType: 'SignIn', contentType: 'text/html', subject: 'Sign in', content: '<p>{{code}}</p>' },
    { usageType: 'Generic', contentType: 'text/plain', subject: 'Code', content: 'Your code is {{code}}' },
  ],
  requireTLS: true,
  tls: { minVersion: 'TLSv1.2' },
};

const logtoTwilio = {
  accountSID: 'AC00000000000000000000000000000000',
  authToken: 'twilio-secret',
  fromMessagingServiceSID: 'MG00000000000000000000000000000000',
  templates: [{ usageType: 'Generic', content: 'Your code is {{code}}' }],
};

describe('config', () => {
  it('applies defaults', () => {
    const { config, chains } = parseConfig({}, registry, {});
    expect(config.redis).toMatchObject({ url: 'redis://127.0.0.1:6379', prefix: '{otp}' });
    expect(config.queue).toEqual({
      name: 'otp', concurrency: 50, shards: 1, attempts: 6, backoff: { type: 'exponential', delayMs: 500, maxDelayMs: 30000 }, ttlSeconds: 600, maxTtlSeconds: 86_400, shutdownGraceSeconds: 25, lockDurationMs: 30000,
    });
    expect(config.limits.perRecipient).toEqual({ max: 10, windowSeconds: 600 });
    expect(config.ingest).toMatchObject({ port: 8080, bodyLimitBytes: 16384 });
    expect(config.metrics.port).toBe(9464);
    expect(chains).toEqual({ email: [], sms: [] });
  });

  it('takes REDIS_URL from the environment when redis.url is absent', () => {
    expect(parseConfig({}, registry, { REDIS_URL: 'redis://10.0.0.9:6380' }).config.redis.url).toBe('redis://10.0.0.9:6380');
  });

  it('accepts Logto connector configs unchanged and orders the chain', () => {
    const { chains } = parseConfig(
      {
        email: { active: 'primary', fallback: ['backup'], connectors: { backup: { provider: 'outbox', config: {} }, primary: { provider: 'smtp', config: logtoSmtp } } },
        sms: { active: 'main', connectors: { main: { provider: 'twilio-sms', config: logtoTwilio } } },
      },
      registry,
      {},
    );
    expect(chains.email.map((c) => c.name)).toEqual(['primary', 'backup']);
    expect(chains.email[0]?.config).toMatchObject({ host: 'smtp.example.com', connectionTimeout: 10000 });
    expect(chains.sms[0]?.provider).toBe('twilio-sms');
  });

  it('substitutes ${ENV} and ${file:…}', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
    await writeFile(join(dir, 'pass'), 'from-file-secret\n');
    const { chains } = parseConfig(
      { email: { active: 'p', connectors: { p: { provider: 'smtp', config: { ...logtoSmtp, auth: { user: '${SMTP_USER}', pass: `\${file:${join(dir, 'pass')}}` } } } } } },
      registry,
      { SMTP_USER: 'env-user' },
    );
    expect(chains.email[0]?.config).toMatchObject({ auth: { user: 'env-user', pass: 'from-file-secret' } });
  });

  it('reports every problem with its path and never a secret', () => {
    const issues = issuesOf(
      {
        redis: { url: '${MISSING}', extra: 1 },
        queue: { attempts: 0 },
        email: { active: 'nope', connectors: { p: { provider: 'smtp', config: { ...logtoSmtp, port: 'x', passwrd: 'hunter2-secret' } } } },
        sms: { active: 'm', connectors: { m: { provider: 'smtp', config: logtoSmtp } } },
      },
      { OTHER: 'x' },
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        'redis.url: environment variable MISSING is not set',
        'redis: unknown key "extra"',
        expect.stringMatching(/^queue\.attempts: /),
        'email.active: no connector named "nope"',
        'email.connectors.p.config.port: expected number',
        'email.connectors.p.config: unknown key "passwrd"',
      ]),
    );
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('rejects unknown providers, wrong channels and bad keys', () => {
    expect(
      issuesOf({
        email: { active: 'a', connectors: { a: { provider: 'twilio-sms', config: logtoTwilio } } },
        sms: { active: 'b', connectors: { b: { provider: 'pigeon', config: {} } } },
        security: { encryptionKeys: { current: 'k1', keys: { k1: 'c2hvcnQ=' } } },
      }),
    ).toEqual(
      expect.arrayContaining([
        'email.connectors.a.provider: provider "twilio-sms" does not send email',
        expect.stringMatching(/^sms\.connectors\.b\.provider: unknown provider "pigeon"/),
        expect.stringMatching(/^security\.encryptionKeys: key "k1" must be 32 random bytes/),
      ]),
    );
  });

  it('limits.sms.minConversion: parsed with its bounds; its digits must agree with perPrefix', () => {
    const minConversion = { ratio: 0.2, minSends: 50, windowSeconds: 3600, blockSeconds: 3600 };
    expect(parseConfig({ limits: { sms: { minConversion } } }, registry, {}).config.limits.sms.minConversion).toEqual(minConversion);
    expect(issuesOf({ limits: { sms: { minConversion: { ...minConversion, digits: 6 }, perPrefix: { max: 20, windowSeconds: 3600, digits: 6 } } } })).toEqual([]);
    expect(issuesOf({ limits: { sms: { minConversion: { ...minConversion, digits: 6 }, perPrefix: { max: 20, windowSeconds: 3600 } } } })).toEqual([
      'limits.sms.minConversion.digits: must equal perPrefix.digits (the prefix is the same for both; omit it)',
    ]);
    expect(issuesOf({ limits: { sms: { minConversion: { ...minConversion, ratio: 0 } } } })).toHaveLength(1);
    expect(issuesOf({ limits: { sms: { minConversion: { ratio: 0.2, minSends: 50 } } } }).map((i) => i.split(':')[0])).toEqual(['limits.sms.minConversion.windowSeconds', 'limits.sms.minConversion.blockSeconds']);
  });

  it('rejects a language tag that is not BCP 47 as a config error, not a start-up crash', () => {
    expect(
      issuesOf({
        defaultLocale: 'en_US',
        templates: [{ channel: 'sms', type: 'SignIn', locale: 'pt_BR', content: 'Código {{code}}' }],
      }),
    ).toEqual([
      'templates[0].locale: must be a BCP 47 language tag, e.g. en, pt-BR, zh-Hant',
      'defaultLocale: must be a BCP 47 language tag, e.g. en, pt-BR, zh-Hant',
    ]);
    expect(issuesOf({ defaultLocale: 'EN-us', templates: [{ channel: 'sms', type: 'SignIn', locale: 'zh-hant-tw', content: '{{code}}' }] })).toEqual([]);
  });

  it('reads YAML and JSON files and reports unreadable ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
    await writeFile(join(dir, 'a.yaml'), 'queue:\n  concurrency: 7\n');
    await writeFile(join(dir, 'b.json'), JSON.stringify({ queue: { concurrency: 8 } }));
    await writeFile(join(dir, 'c.yaml'), 'queue: [unclosed\n');
    expect((await loadConfigFile(join(dir, 'a.yaml'), registry, {})).config.queue.concurrency).toBe(7);
    expect((await loadConfigFile(join(dir, 'b.json'), registry, {})).config.queue.concurrency).toBe(8);
    await expect(loadConfigFile(join(dir, 'c.yaml'), registry, {})).rejects.toThrow(/not valid YAML/);
    await expect(loadConfigFile(join(dir, 'missing.yaml'), registry, {})).rejects.toThrow(/cannot read/);
  });
});
