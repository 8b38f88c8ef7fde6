/**
 * Summarises `.cpuprofile` files (from `BENCH_PROFILE=1 npm run bench`, or any `node --cpu-prof`):
 * top functions by self time, self time by package / source file, and inclusive time of
 * otp-courier's own functions. Only the samples between the first and the last one inside
 * `worker/processor` count, so start-up (module loading) and shutdown stay out.
 * `--focus REGEX` adds the inclusive time of every function whose label matches (e.g. `child|redact`).
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 30] [--window worker/processor] [--focus REGEX]
 */
import { readFile } from 'node:fs/promises';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const where = (url: string): string => {
  if (!url) return '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] ?? url;
  const ours = /\/(src|dist|bench)\/(.+)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
};

const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;

const top = <K>(map: Map<K, number>, n: number) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);

/** Sample indexes [first, last] whose stack passes through a script whose URL contains `marker`. */
const windowOf = (profile: CpuProfile, marker: string): [number, number] => {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inside = new Map<number, boolean>();
  const isInside = (id: number): boolean => {
    const known = inside.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const value = Boolean(byId.get(id)?.callFrame.url.includes(marker)) || (up !== undefined && isInside(up));
    inside.set(id, value);
    return value;
  };
  const hits = profile.samples.flatMap((id, i) => (isInside(id) ? [i] : []));
  return hits.length ? [hits[0] ?? 0, hits.at(-1) ?? 0] : [0, profile.samples.length - 1];
};

const summarise = (profile: CpuProfile, n: number, marker: string, focus: RegExp | undefined): string[] => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const [from, to] = windowOf(profile, marker);
  for (let i = from; i <= to; i++) {
    const id = profile.samples[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = profile.nodes.filter((x) => ['(idle)', '(program)', '(garbage collector)'].includes(x.callFrame.functionName));
  const bySelf = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    bySelf.set(label(node.callFrame), (bySelf.get(label(node.callFrame)) ?? 0) + us);
    byModule.set(where(node.callFrame.url), (byModule.get(where(node.callFrame.url)) ?? 0) + us);
  }
  // Inclusive time of src/ functions, counted once per stack (no double counting under recursion).
  const inclusive = new Map<string, number>();
  const walk = (id: number, open: Set<string>): number => {
    const node = byId.get(id);
    if (!node) return 0;
    const ours = /\/(src|dist)\//.test(node.callFrame.url) && !node.callFrame.url.includes('node_modules');
    const key = ours || focus?.test(label(node.callFrame)) ? label(node.callFrame) : undefined;
    const fresh = key !== undefined && !open.has(key);
    if (fresh) open.add(key);
    let us = selfUs.get(id) ?? 0;
    for (const child of node.children ?? []) us += walk(child, open);
    if (fresh) {
      open.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
    return us;
  };
  const root = profile.nodes[0];
  if (root) walk(root.id, new Set());
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms`;
  const idleUs = idle.reduce((s, x) => s + (selfUs.get(x.id) ?? 0), 0);
  return [
    `${(total / 1e6).toFixed(1)} s sampled while jobs ran (samples ${from}..${to}); idle/program/gc ${((100 * idleUs) / total).toFixed(1)}%`,
    `-- top ${n} functions by self time`,
    ...top(bySelf, n).map(([k, us]) => `${pct(us)}  ${k}`),
    '-- self time by package / file',
    ...top(byModule, 20).map(([k, us]) => `${pct(us)}  ${k}`),
    `-- otp-courier functions${focus ? ` and /${focus.source}/` : ''} by inclusive time`,
    ...top(inclusive, n).map(([k, us]) => `${pct(us)}  ${k}`),
  ];
};

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const n = Number(option('--top') ?? 30);
const marker = option('--window') ?? 'worker/processor';
const focusText = option('--focus');
const focus = focusText ? new RegExp(focusText) : undefined;
const files = args;
if (files.length === 0) {
  console.error('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
for (const file of files) {
  console.log(`== ${file}`);
  for (const line of summarise(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, n, marker, focus)) console.log(line);
}
