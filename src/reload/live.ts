import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { isValidationError } from '../errors/validation-error.js';

/**
 * What a running process cannot change without a restart: connections, queue identity and sizing,
 * listening sockets and what the HTTP servers were built with, the key ring, and the receipt window
 * the sent markers were written with. On reload these keep their running values (and are named in
 * the log); everything else (connectors and chains, templates, limits, log level, `queue.attempts`,
 * `queue.backoff`, lifetimes) takes effect for the next job or request.
 */
export const FROZEN_PATHS: readonly (readonly string[])[] = [
  ['redis'],
  ['queue', 'name'],
  ['queue', 'shards'],
  ['queue', 'concurrency'],
  ['queue', 'lockDurationMs'],
  ['queue', 'shutdownGraceSeconds'],
  ['ingest'],
  ['metrics'],
  ['ui'],
  ['security'],
  ['receipts'],
];

type Tree = Record<string, unknown>;

const at = (tree: unknown, path: readonly string[]): unknown => path.reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);

/** Sets `path` in `tree` (a plain object from the schema), keeping "absent" absent. */
const put = (tree: Tree, path: readonly string[], value: unknown): void => {
  const parents = path.slice(0, -1);
  const last = path[path.length - 1] ?? '';
  const parent = parents.reduce<Tree>((node, key) => (node[key] ??= {}) as Tree, tree);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
};

/**
 * The config a reload applies: `next` with every frozen setting put back to its running value,
 * and the frozen paths whose value in the file differs from the running one (names only, never values).
 */
export const liveConfig = (running: LoadedConfig, next: LoadedConfig): { loaded: LoadedConfig; ignored: string[] } => {
  const config = structuredClone(next.config) as Config & Tree;
  const ignored: string[] = [];
  for (const path of FROZEN_PATHS) {
    const kept = at(running.config, path);
    if (JSON.stringify(at(config, path)) !== JSON.stringify(kept)) ignored.push(path.join('.'));
    put(config, path, structuredClone(kept));
  }
  return { loaded: { config, chains: next.chains }, ignored };
};

/** The first problem of a refused config as one line (`path: problem`; config messages never hold a secret). */
export const firstProblem = (error: unknown): string => {
  if (isValidationError(error)) {
    const issue = error.issues[0];
    if (issue) return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
  }
  return error instanceof Error ? error.message : String(error);
};
