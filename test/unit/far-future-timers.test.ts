import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../src/abort/deadline.js';
import { DeadlineExceeded, withDeadline } from '../../src/abort/with-deadline.js';

const THIRTY_DAYS_MS = 30 * 86_400_000; // beyond Node's 2^31-1 ms timer limit

/** Resolves after `ms` on a timer of its own (the thing under test must not have fired by then). */
const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('timers for far-future deadlines stay in range', () => {
  it('createDeadline(30 days) does not fire within 50 ms', async () => {
    const deadline = createDeadline(THIRTY_DAYS_MS);
    try {
      await after(50);
      expect(deadline.signal.aborted).toBe(false);
      expect(deadline.timedOut()).toBe(false);
    } finally {
      deadline.dispose();
    }
  });

  it('withDeadline(…, 30 days) does not reject within 50 ms', async () => {
    let settled: unknown = 'not yet';
    let finish: (v: string) => void = () => {};
    const wrapped = withDeadline(new Promise<string>((r) => (finish = r)), THIRTY_DAYS_MS).then(
      (v) => (settled = v),
      (e: unknown) => (settled = e),
    );
    await after(50);
    expect(settled).toBe('not yet');
    finish('done');
    await wrapped;
    expect(settled).toBe('done');
  });

  it('short deadlines still fire (and NaN counts as the longest)', async () => {
    const deadline = createDeadline(5);
    try {
      await after(40);
      expect(deadline.timedOut()).toBe(true);
    } finally {
      deadline.dispose();
    }
    await expect(withDeadline(new Promise(() => {}), 5)).rejects.toBeInstanceOf(DeadlineExceeded);
    const nan = createDeadline(Number.NaN);
    await after(20);
    expect(nan.signal.aborted).toBe(false);
    nan.dispose();
  });
});
