import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readObjects } from './manifests.js';
import { REPO, run } from './tools.js';

const CLI = join(REPO, 'bin/otp-courier.js');

/** Whether `otp-courier` is built, so `config check` can run (`npm run build` first). */
export const cliBuilt = existsSync(CLI) && existsSync(join(REPO, 'dist/cli/main.js'));

/** Writes into `dir` a stand-in for every secret deploy/kubernetes/secret.example.yaml names; `key` is OTP_KEY_1. */
export const writeStandInSecrets = async (dir: string, key: string): Promise<void> => {
  const standIns: Record<string, string> = {
    OTP_KEY_1: key,
    REDIS_URL: 'redis://127.0.0.1:6379',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}`,
  };
  const [example] = await readObjects('deploy/kubernetes/secret.example.yaml');
  for (const name of Object.keys(example?.stringData ?? {})) await writeFile(join(dir, name), standIns[name] ?? `stand-in-${name.toLowerCase()}`);
};

/**
 * `otp-courier config check` on a config's text, its secret files read from `secrets` (written
 * there as `file`): the exit code (0 when it passes) and what the command printed.
 */
export const configCheck = async (text: string, secrets: string, file: string, env?: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> => {
  const path = join(secrets, file);
  await writeFile(path, text.replaceAll('/etc/otp-courier/secrets/', `${secrets}/`));
  const result = await run(process.execPath, [CLI, 'config', 'check', '--config', path], { ...(env && { env }) }).catch((e: { code?: number; stdout?: string; stderr?: string }) => e);
  return { code: 'code' in result ? Number(result.code) : 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
};
