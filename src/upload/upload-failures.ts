// The failures of an upload, collected so that every running file finishes before the run stops,
// and reported together.
import { CancelledError } from '../cluster/errors.js';
import { compareCodeUnits } from '../protocol/store-path.js';

/** Several files failed; the message lists the first few. */
export class UploadFailedError extends Error {
  override name = 'UploadFailedError';
  constructor(readonly failures: Error[]) {
    const shown = failures.slice(0, 5).map(f => `  - ${f.message}`);
    const more = failures.length > 5 ? [`  - … and ${failures.length - 5} more`] : [];
    super(failures.length === 1 ? (failures[0]?.message ?? 'the upload failed') : [`${failures.length} operations failed:`, ...shown, ...more].join('\n'));
  }
}

/** A file stopped because another one failed: not a failure of its own. */
export class StoppedError extends Error {
  override name = 'StoppedError';
}

/** A failure and the package path it happened on (a file, or a folder's mark file). */
interface Failure {
  error: Error;
  where: string;
}

export class UploadFailures {
  private readonly failures: Failure[] = [];

  constructor(private readonly signal: AbortSignal | undefined) {}

  get cancelled(): boolean {
    return this.signal?.aborted === true;
  }

  /** True once anything failed or the run was cancelled: no new work starts. */
  get stopped(): boolean {
    return this.failures.length > 0 || this.cancelled;
  }

  /** Records the failure of the work on `where` (a path relative to the package root). */
  add(err: unknown, where: string): void {
    if (err instanceof StoppedError) return;
    if (err instanceof CancelledError && this.cancelled) return;
    // One failure seen by several files (a compression that stopped) is reported once, under the first path.
    const seen = this.failures.find(f => f.error === err);
    if (seen) {
      if (compareCodeUnits(where, seen.where) < 0) seen.where = where;
      return;
    }
    this.failures.push({ error: err instanceof Error ? err : new Error(String(err)), where });
  }

  /**
   * The error that ends a stopped run. The failures are listed in path order, not in the order
   * they settled in, so that the same failures always give the same message.
   */
  toError(): Error {
    if (this.cancelled) return new CancelledError('the upload was cancelled');
    const inPathOrder = [...this.failures].sort((a, b) => compareCodeUnits(a.where, b.where));
    return new UploadFailedError(inPathOrder.map(f => f.error));
  }
}
