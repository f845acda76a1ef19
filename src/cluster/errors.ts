// Errors of the gateway client: what failed, on which path, how the cluster answered, and what to
// do about it (the hint, from hints.ts).

export interface FailedOperation {
  /** What was being done, in words: "upload file", "commit upload session". */
  operation: string;
  /** The store path concerned, if any. */
  storePath?: string;
}

export class ImageStoreError extends Error {
  override name = 'ImageStoreError';

  constructor(
    readonly failed: FailedOperation,
    readonly detail: {
      status?: number;
      code?: string;
      serverMessage?: string;
      networkCode?: string;
      networkMessage?: string;
      attempts: number;
      endpoint: string;
    },
    readonly hint: string
  ) {
    super(describe(failed, detail, hint));
  }

  get status(): number | undefined {
    return this.detail.status;
  }

  get code(): string | undefined {
    return this.detail.code;
  }

  is(status: number, code?: string): boolean {
    return this.detail.status === status && (code === undefined || this.detail.code === code);
  }
}

function describe(failed: FailedOperation, d: ImageStoreError['detail'], hint: string): string {
  const what = failed.storePath ? `${failed.operation} '${failed.storePath}'` : failed.operation;
  const answer =
    d.status !== undefined
      ? `HTTP ${d.status}${d.code ? ` ${d.code}` : ''} from ${d.endpoint}${d.serverMessage ? ` (${d.serverMessage})` : ''}`
      : d.networkCode === 'ESERVERCERT'
        ? `refused to talk to ${d.endpoint}: ${d.networkMessage}`
        : `no answer from ${d.endpoint} (${d.networkCode})`;
  const attempts = d.attempts > 1 ? ` after ${d.attempts} attempts` : '';
  return `${what} failed: ${answer}${attempts}. ${hint}`.trim();
}

/**
 * A request that changes the cluster (create, provision, upgrade) got no answer, or a timeout, after
 * it was sent: the cluster may have carried it out. It is not sent again blindly; the caller reads the
 * cluster's state and decides.
 */
export class OutcomeUnknownError extends ImageStoreError {
  override name = 'OutcomeUnknownError';
}

/** The run was cancelled (SIGINT/SIGTERM): nothing more is sent. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}
