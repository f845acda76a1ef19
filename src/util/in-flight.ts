// A set of promises still running, for work started on the side (mark files while files upload)
// that must be waited for later. Each promise's failure is handled by whoever made it: what is
// tracked here never rejects, so nothing floats.

export class InFlight {
  private readonly running = new Set<Promise<void>>();

  /** Tracks `work`; `onError` receives its failure (the tracked promise itself never rejects). */
  add(work: Promise<void>, onError: (err: unknown) => void): void {
    const tracked: Promise<void> = work.catch(onError).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  get size(): number {
    return this.running.size;
  }

  /** Waits until nothing runs, including work added while waiting. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
