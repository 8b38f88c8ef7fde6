import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, configCheck, writeStandInSecrets } from './lib/config-check.js';
import { REPO } from './lib/tools.js';

if (!cliBuilt) console.warn('otp-courier is not built: skipping `config check` of the deploy configs (npm run build first).');

const EXAMPLES = ['deploy/compose/otp-courier.yaml', 'deploy/kubernetes/base/config.yaml', 'deploy/kubernetes/overlays/dev/config.yaml'];

/** `otp-courier config check` on every config shipped in deploy/, with stand-in secrets. */
describe.skipIf(!cliBuilt)('deploy configs pass `otp-courier config check`', () => {
  let secrets: string;
  const key = randomBytes(32).toString('base64');
  beforeAll(async () => {
    secrets = await mkdtemp(join(tmpdir(), 'otp-secrets-'));
    await writeStandInSecrets(secrets, key);
  });
  afterAll(async () => {
    await rm(secrets, { recursive: true, force: true });
  });

  it.concurrent.each(EXAMPLES)('%s', async (path) => {
    const env = { ...process.env, OTP_KEY_1: key, INGEST_TOKEN: 'stand-in-token' };
    const result = await configCheck(await readFile(join(REPO, path), 'utf8'), secrets, path.replaceAll('/', '_'), env);
    expect(result.code, `${path}: ${result.output}`).toBe(0);
  });
});
