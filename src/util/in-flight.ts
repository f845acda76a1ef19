// A set of promises in flight that new work may join while it drains (a recursive listing, mark
// files that start others). Every promise is observed at once, so none can end as an unhandled
// rejection. A failure goes to the `onError` given with the work; without one, the first failure is
// kept and thrown by drain() once everything has settled.

export class InFlight {
  private readonly pending = new Set<Promise<void>>();
  private firstError: unknown;
  private hasFailed = false;

  /** True once any tracked promise without its own `onError` has rejected. */
  get failed(): boolean {
    return this.hasFailed;
  }

  get size(): number {
    return this.pending.size;
  }

  add(work: Promise<unknown>, onError?: (err: unknown) => void): void {
    const tracked: Promise<void> = work
      .then(
        () => undefined,
        (err: unknown) => {
          if (onError) {
            onError(err);
          } else if (!this.hasFailed) {
            this.hasFailed = true;
            this.firstError = err;
          }
        }
      )
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Waits until nothing is in flight, including work added while waiting; throws the first failure not handed to an `onError`. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.hasFailed) throw this.firstError;
  }
}
