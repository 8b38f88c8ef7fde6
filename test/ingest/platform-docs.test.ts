import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { pollUntil, post, readOutbox, startIngest, startWorker, testConfig, unique, type Ingest } from './support/harness.js';
import { kratosFullBody, logtoBody, postLogto, postSupabase, supabaseEmailSample, supabaseSmsSample } from './support/platform-samples.js';

/** docs/platforms.md's fenced blocks, in order, with their info string. */
const doc = readFileSync(fileURLToPath(new URL('../../docs/platforms.md', import.meta.url)), 'utf8');
const blocks = [...doc.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? '', text: m[2] ?? '' }));
const block = (lang: string, firstLine?: string) => {
  const found = blocks.filter((b) => b.lang === lang && (firstLine === undefined || b.text.startsWith(firstLine)));
  if (found.length === 0) throw new Error(`docs/platforms.md has no ${lang} block${firstLine ? ` starting "${firstLine}"` : ''}`);
  return found;
};

/** The `key = "value"` lines of each `[section]` (the part of TOML the snippet uses). */
const parseTomlSections = (text: string): Record<string, Record<string, string | boolean>> => {
  const sections: Record<string, Record<string, string | boolean>> = {};
  let current: Record<string, string | boolean> | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header?.[1]) sections[header[1]] = current = {};
    const pair = /^([a-z_]+)\s*=\s*(?:"([^"]*)"|(true|false))$/.exec(line);
    if (pair?.[1] && current) current[pair[1]] = pair[2] ?? pair[3] === 'true';
  }
  return sections;
};

/** Evaluates the snippet's Jsonnet body, which only copies `ctx` fields: `key: ctx.a.b,` lines. */
const evalCopyJsonnet = (source: string, ctx: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [, key, path] of source.matchAll(/^\s*(\w+):\s*ctx\.([\w.]+),?\s*$/gm)) {
    out[key ?? ''] = (path ?? '').split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], ctx);
  }
  return out;
};

type KratosRequestConfig = { url: string; method: string; body: string; auth: { type: string; config: Record<string, string> } };
const authHeaders = ({ auth }: KratosRequestConfig): Record<string, string> =>
  auth.type === 'basic_auth' ? { authorization: `Basic ${Buffer.from(`${auth.config.user}:${auth.config.password}`).toString('base64')}` } : { [auth.config.name ?? '']: auth.config.value ?? '' };

describe('docs/platforms.md, as written, against a running ingest', () => {
  const otpYaml = parseYaml(block('yaml', '# otp-courier.yaml')[0]!.text) as { ingest: Record<string, unknown> };
  const outbox = join(tmpdir(), `${unique('docs-outbox')}.jsonl`);
  const loaded = testConfig({ redisUrl: inject('redisUrl'), outbox, ingest: otpYaml.ingest });
  let ingest: Ingest;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const at = (uri: string) => `${ingest.url}${new URL(uri).pathname}`;
  const delivered = (to: string) => pollUntil(async () => (await readOutbox(outbox)).find((l) => l.to === to), 10_000, `outbox line for ${to}`);

  beforeAll(async () => {
    [ingest, worker] = await Promise.all([startIngest(loaded), startWorker(loaded)]);
  });
  afterAll(async () => {
    await Promise.allSettled([ingest?.close(), worker?.close()]);
    await rm(outbox, { force: true });
  });

  it('supabase/config.toml: both hooks, at their uri, signed with their secrets, deliver', async () => {
    const sections = parseTomlSections(block('toml')[0]!.text);
    const sms = sections['auth.hook.send_sms'];
    const email = sections['auth.hook.send_email'];
    expect(sms?.enabled).toBe(true);
    expect(email?.enabled).toBe(true);
    const secrets = (s: Record<string, string | boolean> | undefined) => String(s?.secrets).split('|');
    expect((await postSupabase(at(String(sms?.uri)), supabaseSmsSample({ otp: '700001' }, { phone: '14155550150' }), secrets(sms))).status).toBe(200);
    expect((await postSupabase(at(String(email?.uri)), supabaseEmailSample({ email_action_type: 'magiclink', token: '700002' }, { email: 'docs-supabase@example.com' }), secrets(email))).status).toBe(200);
    expect((await delivered('+14155550150'))?.body).toContain('700001');
    expect((await delivered('docs-supabase@example.com'))?.text).toContain('700002');
  });

  it('kratos.yml: the email request_config and the sms channel, with their auth and Jsonnet body, deliver', async () => {
    const kratos = parseYaml(block('yaml', '# kratos.yml')[0]!.text) as { courier: { delivery_strategy: string; http: { request_config: KratosRequestConfig }; channels: { id: string; type: string; request_config: KratosRequestConfig }[] } };
    expect(kratos.courier.delivery_strategy).toBe('http');
    const jsonnet = block('jsonnet')[0]!.text;
    const cases = [
      { config: kratos.courier.http.request_config, ctx: { ...kratosFullBody('docs-kratos@example.com', 'login_code_valid', 'email', { login_code: '700003' }), subject: 's', body: 'b', request_headers: {} } },
      { config: kratos.courier.channels.find((c) => c.id === 'sms')!.request_config, ctx: { ...kratosFullBody('+14155550151', 'verification_code_valid', 'sms', { verification_code: '700004' }), subject: '', body: 'b' } },
    ];
    for (const { config, ctx } of cases) {
      expect(config.method).toBe('POST');
      const source = Buffer.from(config.body.replace(/^base64:\/\//, ''), 'base64').toString('utf8');
      expect(source.trim()).toBe(jsonnet.trim());
      const reply = await post(at(config.url), evalCopyJsonnet(source, ctx), authHeaders(config));
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    }
    expect((await delivered('docs-kratos@example.com'))?.text).toContain('700003');
    expect((await delivered('+14155550151'))?.body).toContain('700004');
  });

  it('Logto: the HTTP connector config posts to /v1/email; the webhook\'s url and events are taken, signed with ingest.logto.signingKey', async () => {
    const [connector, hook] = block('json').map((b) => JSON.parse(b.text) as Record<string, unknown>);
    const { endpoint, authorization } = connector as { endpoint: string; authorization: string };
    const sent = await post(at(endpoint), { to: 'docs-logto@example.com', type: 'SignIn', payload: { code: '700005' } }, { authorization });
    expect(sent.status).toBe(200);
    expect((await delivered('docs-logto@example.com'))?.text).toContain('700005');
    const { events, config } = hook as { events: string[]; config: { url: string } };
    const signingKey = (otpYaml.ingest.logto as { signingKey: string }).signingKey;
    const replies = [];
    for (const event of events) replies.push(await postLogto(at(config.url), logtoBody(event, { primaryEmail: 'docs-logto@example.com' }), signingKey));
    expect(replies.map((r) => r.status)).toEqual(events.map(() => 200));
    expect(replies.map((r) => (r.body as { converted: number }).converted)).toEqual([1, 0, 0]);
  });
});
