// What the run did, as step outputs and as facts for the job summary (summary-markdown.ts). Both are written whether the run
// succeeds or fails, with every value known by then.
import * as core from '@actions/core';
import type { UploadFacts } from './summary-markdown.js';
import type { TimedSpan } from './summary-timeline.js';

export const Output = {
  ImageStorePath: 'image-store-path',
  FileCount: 'file-count',
  FolderCount: 'folder-count',
  ChunkedFileCount: 'chunked-file-count',
  TotalBytes: 'total-bytes',
  StoreSizeBytes: 'store-size-bytes',
  DurationSeconds: 'duration-seconds',
  ThroughputBytesPerSecond: 'throughput-bytes-per-second',
  CopiedTo: 'copied-to',
  StaleFileCount: 'stale-file-count'
} as const;

export class RunReport {
  private readonly started = Date.now();
  endpoint?: string;
  imageStorePath?: string;
  /** Package files uploaded (mark files not counted). */
  fileCount?: number;
  /** Mark files written. */
  folderCount?: number;
  chunkedFileCount?: number;
  /** Bytes of the package's files. */
  totalBytes?: number;
  storeSizeBytes?: number;
  bytesUploaded?: number;
  uploadSeconds?: number;
  copiedTo?: string;
  /** Files and folders in the destination that the package lacks (merge, skip). */
  staleCount?: number;
  overwrite?: string;
  /** The package root's mark file was written (after the verification). */
  rootMarked = false;
  requestsSent?: number;
  dryRun = false;
  skipped = false;
  /** Why nothing was uploaded although the run went on (the version is already provisioned). */
  uploadNotNeeded?: string;
  /** The upload phase (with copy and cleanup) succeeded: a later failure is the release's. */
  uploadCompleted = false;
  error?: string;
  /** The step's phases, in the order they started. */
  readonly phases: TimedSpan[] = [];

  get durationSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  get throughput(): number | undefined {
    if (this.bytesUploaded === undefined || !this.uploadSeconds) return undefined;
    return Math.round(this.bytesUploaded / this.uploadSeconds);
  }

  outputs(): Record<string, string> {
    const values: Record<string, string | number | undefined> = {
      [Output.ImageStorePath]: this.imageStorePath,
      [Output.FileCount]: this.fileCount,
      [Output.FolderCount]: this.folderCount,
      [Output.ChunkedFileCount]: this.chunkedFileCount,
      [Output.TotalBytes]: this.totalBytes,
      [Output.StoreSizeBytes]: this.storeSizeBytes,
      [Output.DurationSeconds]: this.durationSeconds.toFixed(3),
      [Output.ThroughputBytesPerSecond]: this.throughput,
      [Output.CopiedTo]: this.copiedTo,
      [Output.StaleFileCount]: this.staleCount
    };
    return Object.fromEntries(
      Object.entries(values)
        .filter((e): e is [string, string | number] => e[1] !== undefined)
        .map(([k, v]) => [k, String(v)])
    );
  }

  /** Writes the step outputs; a failure to write them fails the step with a message, never a crash. */
  writeOutputs(): void {
    try {
      for (const [name, value] of Object.entries(this.outputs())) core.setOutput(name, value);
    } catch (err) {
      core.setFailed(`Could not write the step outputs to GITHUB_OUTPUT: ${(err as Error).message}`);
    }
  }

  /** Runs one phase of the step and records when it started and ended, for the summary's timeline. */
  async timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const span: TimedSpan = { name, startedAt: Date.now() };
    this.phases.push(span);
    try {
      return await work();
    } catch (err) {
      span.failed = true;
      throw err;
    } finally {
      span.endedAt = Date.now();
    }
  }

  /** What the summary says about the upload. */
  summaryFacts(): UploadFacts {
    return {
      endpoint: this.endpoint,
      imageStorePath: this.imageStorePath,
      dryRun: this.dryRun,
      skipped: this.skipped,
      notNeeded: this.uploadNotNeeded,
      completed: this.uploadCompleted,
      fileCount: this.fileCount,
      folderCount: this.folderCount,
      chunkedFileCount: this.chunkedFileCount,
      totalBytes: this.totalBytes,
      storeSizeBytes: this.storeSizeBytes,
      staleCount: this.staleCount,
      uploadSeconds: this.uploadSeconds,
      throughput: this.throughput,
      requestsSent: this.requestsSent,
      copiedTo: this.copiedTo
    };
  }
}
