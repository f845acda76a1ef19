// The failures of an upload, collected so that every running file finishes before the run stops,
// and reported together.
import { CancelledError } from '../cluster/errors.js';

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

export class UploadFailures {
  private readonly failures: Error[] = [];

  constructor(private readonly signal: AbortSignal | undefined) {}

  get cancelled(): boolean {
    return this.signal?.aborted === true;
  }

  /** True once anything failed or the run was cancelled: no new work starts. */
  get stopped(): boolean {
    return this.failures.length > 0 || this.cancelled;
  }

  add(err: unknown): void {
    if (err instanceof StoppedError) return;
    if (err instanceof CancelledError && this.cancelled) return;
    if (this.failures.includes(err as Error)) return; // one failure seen by several files (a compression that stopped), reported once
    this.failures.push(err instanceof Error ? err : new Error(String(err)));
  }

  /** The error that ends a stopped run. */
  toError(): Error {
    if (this.cancelled) return new CancelledError('the upload was cancelled');
    return new UploadFailedError([...this.failures]);
  }
}
