// A FIFO semaphore bounding requests in flight, and a pool of N workers sharing one iterator
// (so that 20,000 files never become 20,000 pending promises).

export class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.available > 0) this.available--;
    else await new Promise<void>(resolve => this.waiters.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.available++;
    }
  }
}

/**
 * Runs `work` over `items` with at most `workers` at once. Stops taking new items once one fails
 * or `shouldStop()` is true, and throws after every running item has finished. When several
 * fail, the error thrown is that of the first failing item in `items`' order, not the first to
 * settle: items start in order and none starts after a failure, so the first failing item always
 * runs, and the same input always gives the same error whatever the timing.
 */
export async function inParallel<T>(
  items: Iterable<T>,
  workers: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let taken = 0;
  const firstFailure: { index: number; error?: unknown } = { index: Infinity };
  const worker = async () => {
    while (firstFailure.index === Infinity && !shouldStop()) {
      const next = iterator.next();
      if (next.done) return;
      const index = taken++;
      try {
        await work(next.value);
      } catch (error) {
        if (index < firstFailure.index) Object.assign(firstFailure, { index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  if (firstFailure.index !== Infinity) throw firstFailure.error;
}

/**
 * Promise.all, but when several reject, the rejection thrown is the first in argument order, not
 * the first to settle (it waits for the promises before it): the same failures always give the
 * same message.
 */
export async function allInOrder<T extends readonly unknown[] | []>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  for (const p of promises) void Promise.resolve(p).catch(() => undefined); // each one's rejection is thrown below or not needed
  const values: unknown[] = [];
  for (const p of promises) values.push(await p);
  return values as { -readonly [K in keyof T]: Awaited<T[K]> };
}
