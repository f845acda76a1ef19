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
 * Runs `work` over `items` with at most `workers` at once. Stops taking new items once
 * `shouldStop()` is true; the first error is thrown after every running item has finished.
 */
export async function inParallel<T>(
  items: Iterable<T>,
  workers: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let firstError: unknown;
  let failed = false;
  const worker = async () => {
    while (!failed && !shouldStop()) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (err) {
        if (!failed) {
          failed = true;
          firstError = err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  if (failed) throw firstError;
}
