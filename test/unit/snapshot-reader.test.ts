import { describe, expect, it } from 'vitest';
import { createSnapshotReader } from '../../src/metrics/queue-gauges.js';

/** A read whose every call the test settles by hand. */
const manualRead = () => {
  const calls: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const read = () => new Promise<number>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, read };
};

describe('createSnapshotReader (time-boxed queue gauge reads)', () => {
  it('overlapping refreshes (one scrape, four gauges) share one read', async () => {
    const { calls, read } = manualRead();
    const reader = createSnapshotReader(read, 1000);
    const all = Promise.all([reader.refresh(), reader.refresh(), reader.refresh(), reader.refresh()]);
    calls[0]?.resolve(7);
    expect(await all).toEqual([7, 7, 7, 7]);
    expect(calls).toHaveLength(1);
    expect(reader.last()).toBe(7);
  });

  it('a read that hangs: undefined after the time limit, the last value kept, and no second read while it hangs', async () => {
    const { calls, read } = manualRead();
    const reader = createSnapshotReader(read, 50);
    const first = reader.refresh();
    calls[0]?.resolve(3);
    expect(await first).toBe(3);

    const started = Date.now();
    expect(await reader.refresh()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await reader.refresh()).toBeUndefined();
    expect(calls).toHaveLength(2);
    expect(reader.last()).toBe(3);

    // The hung read answers late: its value is kept, and the next scrape reads afresh.
    calls[1]?.resolve(5);
    await new Promise((r) => setImmediate(r));
    expect(reader.last()).toBe(5);
    const next = reader.refresh();
    calls[2]?.resolve(6);
    expect(await next).toBe(6);
  });

  it('a read that fails: undefined, the last value kept', async () => {
    const { calls, read } = manualRead();
    const reader = createSnapshotReader(read, 1000);
    const ok = reader.refresh();
    calls[0]?.resolve(1);
    await ok;
    const failed = reader.refresh();
    calls[1]?.reject(new Error('Connection is closed.'));
    expect(await failed).toBeUndefined();
    expect(reader.last()).toBe(1);
  });
});
