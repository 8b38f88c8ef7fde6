import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { functionShapes, lineCount, typeScriptFiles } from './lib/code-shape.js';

/**
 * Issue #14's shape targets, kept true: no function in src/ over 40 lines of its own (lines with code;
 * nested functions count for themselves), no file in src/worker or src/providers over 200 lines.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const files = typeScriptFiles(`${root}src`);

describe('code shape', () => {
  it('no function in src/ has more than 40 lines of its own', () => {
    const long = files.flatMap((f) => functionShapes(f, root)).filter((s) => s.ownLines > 40);
    expect(long.map((s) => `${s.file}:${s.line} ${s.name} (${s.ownLines} lines)`)).toEqual([]);
  });

  it('no file in src/worker or src/providers has more than 200 lines', () => {
    const big = files.filter((f) => /[/\\]src[/\\](worker|providers)[/\\]/.test(f)).filter((f) => lineCount(f) > 200);
    expect(big.map((f) => `${f.slice(root.length)} (${lineCount(f)} lines)`)).toEqual([]);
  });

  it('the reader counts a function’s own lines without its nested functions', () => {
    const shapes = functionShapes(fileURLToPath(new URL('./lib/code-shape.ts', import.meta.url)), root);
    const visit = shapes.find((s) => s.name === 'visit');
    const outer = shapes.find((s) => s.name === 'functionShapes');
    expect(visit && outer).toBeTruthy();
    expect(outer!.ownLines).toBeLessThan(visit!.ownLines + outer!.ownLines);
    expect(outer!.ownLines).toBeLessThanOrEqual(8);
  });
});
