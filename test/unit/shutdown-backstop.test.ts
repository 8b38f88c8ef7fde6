import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { shutdown, type Runtime } from '../../src/cli/runtime.js';
import { createLogger } from '../../src/log/logger.js';
import { eventually } from '../helpers/pipeline.js';

const capture = () => {
  const lines: { level: string; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: string; msg: string });
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
};

const exits = () => {
  const codes: { code: number; at: number }[] = [];
  return { codes, exit: (code: number) => void codes.push({ code, at: Date.now() }) };
};

describe('shutdown backstop', () => {
  it('a close that never settles: one error line, exit code 1, soon after the budget', async () => {
    const { lines, logger } = capture();
    const { codes, exit } = exits();
    const hung: Runtime = { close: () => new Promise(() => {}), closeBudgetMs: 200 };
    const started = Date.now();
    void shutdown(logger, [hung], 'SIGTERM', exit);
    await eventually(() => codes.length > 0, 5000);
    expect(codes.map((c) => c.code)).toEqual([1]);
    const elapsed = (codes[0]?.at ?? 0) - started;
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(2000);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([expect.stringContaining('shutdown did not finish in time')]);
  });

  it('a close that finishes: no backstop; exit 0 at the latest a second later (open handles cannot hold the process)', async () => {
    const { lines, logger } = capture();
    const { codes, exit } = exits();
    const quick: Runtime = { close: async () => {}, closeBudgetMs: 200 };
    const done = Date.now();
    await shutdown(logger, [quick, { close: async () => {} }], 'SIGTERM', exit);
    await eventually(() => codes.length > 0, 5000);
    // Past the backstop's time too: it was cleared, so 0 is the only exit.
    await new Promise((r) => setTimeout(r, 800));
    expect(codes.map((c) => c.code)).toEqual([0]);
    expect((codes[0]?.at ?? 0) - done).toBeLessThan(2000);
    expect(lines.map((l) => l.msg)).toEqual(['shutting down', 'stopped']);
  });

  it('the budget is the slowest runtime\'s (10 s for one that states none)', async () => {
    const { logger } = capture();
    const { codes, exit } = exits();
    let release = () => {};
    const slow: Runtime = { close: () => new Promise<void>((r) => (release = r)), closeBudgetMs: 100 };
    const unstated: Runtime = { close: async () => {} };
    const closing = shutdown(logger, [slow, unstated], 'SIGINT', exit);
    await new Promise((r) => setTimeout(r, 1000));
    expect(codes).toEqual([]);
    release();
    await closing;
    await eventually(() => codes.length > 0, 5000);
    expect(codes.map((c) => c.code)).toEqual([0]);
  });
});
