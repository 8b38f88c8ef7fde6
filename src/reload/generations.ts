/**
 * A swappable current value (the live config's connectors, a producer) that is closed only once
 * nothing uses it any more: work started on one generation finishes on it, whatever `swap` does
 * meanwhile, and the next work takes the new one. One guarantee: every generation is closed exactly
 * once, after its last holder released it (or at `close`, whichever comes first).
 */
export type Generations<T> = {
  current(): T;
  /** Takes the current generation until `release` (called at most once counts). */
  hold(): { value: T; release(): void };
  /** Runs `work` on the current generation, which stays open until the promise settles. */
  use<R>(work: (value: T) => Promise<R>): Promise<R>;
  /** `next` becomes current; the previous one is closed as soon as no holder is left. */
  swap(next: T): void;
  /** Closes every generation not closed yet (the current one and retired ones still held). */
  close(): Promise<void>;
};

type Entry<T> = { value: T; holders: number; retired: boolean; closed?: Promise<void> };

export const createGenerations = <T>(initial: T, closeOne: (value: T) => Promise<void>): Generations<T> => {
  let current: Entry<T> = { value: initial, holders: 0, retired: false };
  const open = new Set<Entry<T>>([current]);
  const closeEntry = (entry: Entry<T>): Promise<void> => {
    open.delete(entry);
    return (entry.closed ??= closeOne(entry.value).catch(() => undefined));
  };
  const release = (entry: Entry<T>) => {
    entry.holders -= 1;
    if (entry.retired && entry.holders === 0) void closeEntry(entry);
  };
  const hold = () => {
    const entry = current;
    entry.holders += 1;
    let released = false;
    return {
      value: entry.value,
      release: () => {
        if (released) return;
        released = true;
        release(entry);
      },
    };
  };
  return {
    current: () => current.value,
    hold,
    use(work) {
      const held = hold();
      try {
        return work(held.value).finally(held.release);
      } catch (error) {
        held.release();
        throw error;
      }
    },
    swap(next) {
      const previous = current;
      current = { value: next, holders: 0, retired: false };
      open.add(current);
      previous.retired = true;
      if (previous.holders === 0) void closeEntry(previous);
    },
    async close() {
      await Promise.all([...open].map(closeEntry));
    },
  };
};
