import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readObjects } from './lib/manifests.js';
import { REPO, run } from './lib/tools.js';

const CLI = join(REPO, 'bin/otp-courier.js');
const built = existsSync(CLI) && existsSync(join(REPO, 'dist/cli/main.js'));
if (!built) console.warn('otp-courier is not built: skipping `config check` of the deploy configs (npm run build first).');

const EXAMPLES = ['deploy/compose/otp-courier.yaml', 'deploy/kubernetes/base/config.yaml', 'deploy/kubernetes/overlays/dev/config.yaml'];

/** `otp-courier config check` on every config shipped in deploy/, with stand-in secrets. */
describe.skipIf(!built)('deploy configs pass `otp-courier config check`', () => {
  let secrets: string;
  const key = randomBytes(32).toString('base64');
  const STAND_INS: Record<string, string> = {
    OTP_KEY_1: key,
    REDIS_URL: 'redis://127.0.0.1:6379',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}`,
  };
  beforeAll(async () => {
    secrets = await mkdtemp(join(tmpdir(), 'otp-secrets-'));
    const [example] = await readObjects('deploy/kubernetes/secret.example.yaml');
    for (const name of Object.keys((example?.stringData ?? {}))) {
      await writeFile(join(secrets, name), STAND_INS[name] ?? `stand-in-${name.toLowerCase()}`);
    }
  });
  afterAll(async () => {
    await rm(secrets, { recursive: true, force: true });
  });

  it.concurrent.each(EXAMPLES)('%s', async (path) => {
    const text = (await readFile(join(REPO, path), 'utf8')).replaceAll('/etc/otp-courier/secrets/', `${secrets}/`);
    const file = join(secrets, `${path.replaceAll('/', '_')}`);
    await writeFile(file, text);
    const env = { ...process.env, OTP_KEY_1: key, INGEST_TOKEN: 'stand-in-token' };
    const result = await run(process.execPath, [CLI, 'config', 'check', '--config', file], { env }).catch((e: { stdout?: string; stderr?: string }) => e);
    expect('code' in result ? result.code : 0, `${path}: ${result.stdout ?? ''}${result.stderr ?? ''}`).toBe(0);
  });
});
