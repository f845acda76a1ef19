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
