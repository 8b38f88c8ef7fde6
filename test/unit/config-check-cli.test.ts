import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/cli.js';

const dir = await mkdtemp(join(tmpdir(), 'config-check-'));

describe('otp-courier config check', () => {
  it('passes a valid config with warnings for unknown variables, broken placeholders, long SMS and missing types', async () => {
    const file = await writeConfig(join(dir, 'warn.json'), {
      email: { active: 'o', connectors: { o: { provider: 'outbox', config: {} } } },
      sms: {
        active: 'tc',
        connectors: {
          tc: {
            provider: 'tencent-sms',
            config: { accessKeyId: 'AKID', accessKeySecret: 'tencent-secret-value', signName: 'Acme', sdkAppId: '1400000000', region: 'ap-guangzhou', templates: [{ usageType: 'SignIn', templateCode: '100' }] },
          },
        },
      },
      templates: [
        { channel: 'email', type: 'SignIn', subject: 'Hi {{usr.name}}', content: '<p>{{code}} {{ code</p>' },
        { channel: 'sms', type: 'Register', locale: 'ru', content: `Ваш код {{code}}. ${'Очень длинный текст сообщения. '.repeat(6)}` },
      ],
    });
    const { code, stdout, stderr } = await runCli(['config', 'check', '--config', file]);
    expect(stderr).not.toContain('tencent-secret-value');
    expect(code).toBe(0);
    expect(stdout).toContain('warning: templates[0]: unknown variable {{usr.name}}');
    expect(stdout).toContain('warning: templates[0]: a "{{" does not open a valid placeholder');
    expect(stdout).toMatch(/warning: templates\[1\]: renders to \d+ SMS segments \(UCS-2\)/);
    expect(stdout).toMatch(/warning: sms\.connectors\.tc: no template for Register, ForgotPassword, Generic/);
    expect(stdout).toContain(': ok');
  });

  it('exits 2 with one line per problem and no secret', async () => {
    const file = await writeConfig(join(dir, 'bad.json'), {
      queue: { concurrency: 0 },
      sms: { active: 'tw', connectors: { tw: { provider: 'twilio-sms', config: { accountSID: 'AC1', authToken: 'twilio-secret-value', fromMessagingServiceSID: 'MG1', templates: [], bogus: true } } } },
    });
    const { code, stderr, stdout } = await runCli(['config', 'check', '--config', file]);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^queue\.concurrency: /), 'sms.connectors.tw.config: unknown key "bogus"']));
    expect(`${stdout}${stderr}`).not.toContain('twilio-secret-value');
  });

  it('exits 2 for a missing file and for bad usage', async () => {
    expect((await runCli(['config', 'check', '--config', join(dir, 'none.yaml')])).code).toBe(2);
    expect((await runCli(['send', '--channel', 'email'])).code).toBe(2);
  });
});
