/**
 * otp-courier's code under test, loaded from `dist/` (what `otp-courier worker` runs in production;
 * `npm run bench` builds it first). Types come from `src/`. Running the worker from `dist/` also
 * keeps tsx's transform (one-line output, `__name` wrappers) out of the figures and gives CPU
 * profiles real line numbers. `BENCH_DIST=path` loads another build instead (A/B experiments;
 * keep it inside the checkout so its imports resolve from node_modules).
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as RuntimeModule from '../../src/cli/runtime.js';
import type * as LoadModule from '../../src/config/load.js';
import type * as LoggerModule from '../../src/log/logger.js';
import type * as ProducerModule from '../../src/producer/index.js';
import type * as RegistryModule from '../../src/providers/registry.js';
import type { ProviderRegistry } from '../../src/providers/registry.js';

const DEFAULT_DIST = new URL('../../dist/', import.meta.url);
const SRC = new URL('../../src/', import.meta.url);

const distRoot = (): URL => {
  const override = process.env.BENCH_DIST;
  return override ? pathToFileURL(`${resolve(override)}/`) : DEFAULT_DIST;
};

const load = <T>(path: string): Promise<T> => import(new URL(path, distRoot()).href) as Promise<T>;

export type Otp = {
  runtime: typeof RuntimeModule;
  parseConfig: typeof LoadModule.parseConfig;
  createProducer: typeof ProducerModule.createProducer;
  createLogger: typeof LoggerModule.createLogger;
  /** The built-in providers (the bench configs name `http-sms` and `smtp`). */
  providers(): ProviderRegistry;
};

let loading: Promise<Otp> | undefined;

export const loadOtp = (): Promise<Otp> =>
  (loading ??= (async () => {
    const [runtime, config, producer, logger, registry] = await Promise.all([
      load<typeof RuntimeModule>('cli/runtime.js'),
      load<typeof LoadModule>('config/load.js'),
      load<typeof ProducerModule>('producer/index.js'),
      load<typeof LoggerModule>('log/logger.js'),
      load<typeof RegistryModule>('providers/registry.js'),
    ]);
    return {
      runtime,
      parseConfig: config.parseConfig,
      createProducer: producer.createProducer,
      createLogger: logger.createLogger,
      providers: () => registry.createProviderRegistry(),
    };
  })());

const newestMtime = async (dir: string, suffix: string): Promise<number> => {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix)) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
};

/** Undefined when dist/ is built and newer than every src/ file, else what is wrong. */
export const distProblem = async (): Promise<string | undefined> => {
  if (process.env.BENCH_DIST) return undefined;
  const dist = fileURLToPath(DEFAULT_DIST);
  const built = await newestMtime(dist, '.js').catch(() => 0);
  if (built === 0) return 'dist/ is missing: run `npm run build` (npm run bench does)';
  const source = await newestMtime(fileURLToPath(SRC), '.ts');
  return source > built ? 'dist/ is older than src/: the figures are for the last build (npm run bench rebuilds)' : undefined;
};
