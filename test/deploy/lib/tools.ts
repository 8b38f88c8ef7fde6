import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Whether `command ...versionArgs` runs. */
export const hasTool = async (command: string, versionArgs: string[]): Promise<boolean> =>
  run(command, versionArgs).then(
    () => true,
    () => false,
  );

/**
 * Whether to run the tests that need `command`: yes when it is installed; when it is missing, no
 * outside CI (with a note), yes in CI, so that they fail there instead of passing silently.
 */
export const shouldRunWith = async (command: string, versionArgs: string[], install: string): Promise<boolean> => {
  if (await hasTool(command, versionArgs)) return true;
  if (process.env.CI) return true;
  console.warn(`${command} not found: skipping the tests that need it (install: ${install}); CI runs them.`);
  return false;
};
