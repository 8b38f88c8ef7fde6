import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const BIN = fileURLToPath(new URL('../../bin/otp-courier.js', import.meta.url));

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs the built CLI (`npm test` builds first) and collects its output. */
export const runCli = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

export type Spawned = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** Starts a long-running CLI command (worker, ingest) in its own process. */
export const spawnCli = (args: string[], env: NodeJS.ProcessEnv = {}): Spawned => spawnNode([BIN, ...args], env);

/** Starts `node <args>` in its own process, collecting its output. */
export const spawnNode = (args: string[], env: NodeJS.ProcessEnv = {}): Spawned => {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

export const writeConfig = async (path: string, config: unknown): Promise<string> => {
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
};
