// What the run did, as step outputs and as a job summary. Both are written whether the run
// succeeds or fails, with every value known by then.
import * as core from '@actions/core';
import { formatBytes } from './inputs.js';

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

  /** Writes the job summary; a failure to write it is logged, never fatal. */
  async writeSummary(): Promise<void> {
    try {
      const [firstLine, ...moreLines] = (this.error ?? '').split('\n');
      const failures = moreLines.map(l => l.replace(/^\s*-\s*/, '')).filter(l => l.trim() !== '');
      const stale = this.staleCount ? ` ⚠️ It holds ${this.staleCount} file(s) or folder(s) the package does not have (see the warning).` : '';
      const uploadFailed = this.error !== undefined && !this.uploadCompleted && this.uploadNotNeeded === undefined;
      const status = uploadFailed
        ? `❌ ${this.dryRun ? 'Dry run' : 'Upload'} failed: ${firstLine}`
        : this.uploadNotNeeded !== undefined
          ? `⏭️ Not uploaded: ${this.uploadNotNeeded}.`
          : this.dryRun
            ? `ℹ️ Dry run: nothing was changed in the Image Store; a real run would ${this.skipped ? `skip the upload (a complete upload is at '${this.imageStorePath}')` : `upload to '${this.imageStorePath}'`}.${stale}`
            : this.skipped
              ? `⏭️ Skipped: a complete upload is already at '${this.imageStorePath}'.${stale}`
              : `${this.staleCount ? '⚠️' : '✅'} Uploaded to '${this.imageStorePath}'.${stale}${this.error ? ' The release that followed failed: see below.' : ''}`;
      const row = (label: string, value: string | undefined) => [label, value ?? '—'];
      const throughput = this.throughput;
      core.summary.addHeading('Service Fabric package upload', 2).addRaw(status, true);
      if (uploadFailed && failures.length > 0) core.summary.addList(failures);
      await core.summary
        .addTable([
          [
            { data: 'What', header: true },
            { data: 'Value', header: true }
          ],
          row('Destination', this.imageStorePath),
          row('Cluster', this.endpoint),
          row(this.dryRun ? 'Files to upload' : 'Files uploaded', this.fileCount?.toString()),
          row(this.dryRun ? 'Folders (mark files) to write' : 'Folders (mark files)', this.folderCount?.toString()),
          row('Left over in the destination', this.staleCount?.toString()),
          row('Chunked files', this.chunkedFileCount?.toString()),
          row('Package size', this.totalBytes === undefined ? undefined : `${formatBytes(this.totalBytes)} (${this.totalBytes} bytes)`),
          row('Store size', this.storeSizeBytes === undefined ? undefined : `${formatBytes(this.storeSizeBytes)} (${this.storeSizeBytes} bytes)`),
          row('Duration', `${this.durationSeconds.toFixed(1)} s`),
          row('Throughput', throughput === undefined ? undefined : `${formatBytes(throughput)}/s`),
          row('Requests', this.requestsSent?.toString()),
          row('Copied to', this.copiedTo)
        ])
        .write();
    } catch (err) {
      core.warning(`Could not write the job summary: ${(err as Error).message}`);
    }
  }
}
