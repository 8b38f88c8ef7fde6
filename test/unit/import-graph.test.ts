import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Which folders of src/ each folder may import from (its own files aside). Arrows point down: the
 * pure core (errors, messages, templates, limits, …) knows nothing of the config, the worker or the
 * processes; config sits above the templates and providers it validates; the worker above config;
 * `startup` (checks that need a parsed config and built connectors) above both; the CLI on top.
 * A new folder, or a new arrow, is a decision: add it here.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  errors: [],
  // OpenTelemetry: the SDK start (loaded only with OTEL_* set) and the spans the ingest and worker open.
  tracing: ['errors'],
  log: [],
  messages: ['errors'],
  abort: ['errors'],
  crypto: ['errors', 'messages'],
  metrics: ['errors', 'messages'],
  redis: ['errors', 'messages'],
  limits: ['abort', 'crypto', 'errors', 'messages', 'redis'],
  receipts: ['crypto', 'errors', 'messages'],
  providers: ['abort', 'crypto', 'errors', 'messages', 'receipts'],
  templates: ['errors', 'messages', 'providers'],
  config: ['crypto', 'errors', 'messages', 'providers', 'receipts', 'templates'],
  tracking: ['abort', 'crypto', 'errors', 'limits', 'messages', 'metrics', 'providers', 'receipts', 'redis'],
  producer: ['abort', 'crypto', 'errors', 'limits', 'messages', 'metrics', 'receipts', 'redis', 'tracking'],
  // SPEC §14: the swappable config generations (reload) and the SIGHUP reloader, above config.
  reload: ['config', 'errors', 'metrics'],
  worker: ['abort', 'config', 'crypto', 'errors', 'limits', 'log', 'messages', 'metrics', 'providers', 'receipts', 'redis', 'reload', 'templates', 'tracing', 'tracking'],
  dlq: ['abort', 'config', 'crypto', 'errors', 'messages', 'redis'],
  ops: ['abort', 'errors', 'log', 'metrics'],
  ingest: ['abort', 'config', 'crypto', 'errors', 'messages', 'metrics', 'ops', 'producer', 'receipts', 'tracing', 'tracking'],
  // SPEC §14: the read-only view reads the queues, dead letters and the connector keys the worker writes.
  ui: ['abort', 'config', 'crypto', 'messages', 'metrics', 'redis', 'worker'],
  startup: ['config', 'errors', 'messages', 'providers', 'templates', 'worker'],
  cli: ['abort', 'config', 'crypto', 'dlq', 'errors', 'ingest', 'log', 'messages', 'metrics', 'ops', 'producer', 'providers', 'receipts', 'redis', 'reload', 'startup', 'templates', 'tracing', 'tracking', 'ui', 'worker'],
};

/** The core never reaches up into these (issue #14), whatever the table above says. */
const CORE = ['templates', 'messages', 'errors', 'crypto', 'limits', 'abort', 'receipts', 'tracing'];
const UPPER = ['config', 'worker', 'cli', 'ingest', 'producer', 'startup', 'dlq', 'ops', 'tracking', 'reload', 'ui'];

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** `import … from './x.js'`, `export … from '../y.js'`, `import '../z.js'`, `import('../w.js')`, type-only ones too. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

const folderOf = (path: string): string => relative(SRC, path).split(/[\\/]/)[0] ?? '';

type Arrow = { file: string; from: string; to: string };

const arrows: Arrow[] = sourceFiles(SRC).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)]
    .map((match) => ({ file: relative(SRC, file), from: folderOf(file), to: folderOf(resolve(dirname(file), match[1] ?? '')) }))
    .filter((arrow) => arrow.from !== arrow.to),
);

describe('import graph of src/', () => {
  it('finds the imports it checks', () => {
    expect(arrows.length).toBeGreaterThan(100);
  });

  it('has every folder in the layering table', () => {
    const folders = new Set(sourceFiles(SRC).map(folderOf));
    expect([...folders].filter((folder) => !(folder in MAY_IMPORT))).toEqual([]);
  });

  it('imports only downwards, as the table says', () => {
    const wrong = arrows.filter(({ from, to }) => !(MAY_IMPORT[from] ?? []).includes(to)).map(({ file, to }) => `${file} → ${to}`);
    expect(wrong).toEqual([]);
  });

  it('keeps the core free of config, worker, processes and the producer', () => {
    for (const core of CORE) expect(MAY_IMPORT[core]?.filter((to) => UPPER.includes(to))).toEqual([]);
  });

  it('has no cycles between folders', () => {
    const reaches = (from: string, target: string, seen = new Set<string>()): boolean =>
      (MAY_IMPORT[from] ?? []).some((to) => to === target || (!seen.has(to) && (seen.add(to), reaches(to, target, seen))));
    expect(Object.keys(MAY_IMPORT).filter((folder) => reaches(folder, folder))).toEqual([]);
  });
});
