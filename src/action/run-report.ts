// What the upload did, as step outputs and as facts for the job summary (summary-markdown.ts). Both
// are written whether the run succeeds or fails, with every value known by then.
import * as core from '@actions/core';
import { type UploadRecord } from '../upload/upload-record.js';
import type { UploadFacts } from './summary-markdown.js';

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
  StaleFileCount: 'stale-file-count',
  CompressedBytes: 'compressed-bytes',
  SkippedPackageCount: 'skipped-package-count',
  PackageUrl: 'package-url',
  BlobResult: 'blob-result'
} as const;

/** The upload's step outputs, by the action's output names. */
export function uploadOutputs(r: UploadRecord): Record<string, string> {
  const values: Record<string, string | number | undefined> = {
    [Output.ImageStorePath]: r.imageStorePath,
    [Output.FileCount]: r.fileCount,
    [Output.FolderCount]: r.folderCount,
    [Output.ChunkedFileCount]: r.chunkedFileCount,
    [Output.TotalBytes]: r.totalBytes,
    [Output.StoreSizeBytes]: r.storeSizeBytes,
    [Output.DurationSeconds]: r.durationSeconds.toFixed(3),
    [Output.ThroughputBytesPerSecond]: r.throughput,
    [Output.CopiedTo]: r.copiedTo,
    [Output.StaleFileCount]: r.staleCount,
    [Output.CompressedBytes]: r.compressedBytes,
    [Output.SkippedPackageCount]: r.skippedPackageCount,
    [Output.PackageUrl]: r.packageUrl,
    [Output.BlobResult]: r.blobResult
  };
  return Object.fromEntries(
    Object.entries(values)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => [k, String(v)])
  );
}

/** Writes the step outputs; a failure to write them fails the step with a message, never a crash. */
export function writeUploadOutputs(r: UploadRecord): void {
  try {
    for (const [name, value] of Object.entries(uploadOutputs(r))) core.setOutput(name, value);
  } catch (err) {
    core.setFailed(`Could not write the step outputs to GITHUB_OUTPUT: ${(err as Error).message}`);
  }
}

/** What the job summary says about the upload. */
export function uploadFacts(r: UploadRecord): UploadFacts {
  return {
    endpoint: r.endpoint,
    imageStorePath: r.imageStorePath,
    dryRun: r.dryRun,
    skipped: r.skipped,
    notNeeded: r.uploadNotNeeded,
    completed: r.uploadCompleted,
    fileCount: r.fileCount,
    folderCount: r.folderCount,
    chunkedFileCount: r.chunkedFileCount,
    totalBytes: r.totalBytes,
    storeSizeBytes: r.storeSizeBytes,
    staleCount: r.staleCount,
    uploadSeconds: r.uploadSeconds,
    throughput: r.throughput,
    requestsSent: r.requestsSent,
    copiedTo: r.copiedTo,
    compressedBytes: r.compressedBytes,
    skippedPackageCount: r.skippedPackageCount,
    packageUrl: r.packageUrl,
    blobResult: r.blobResult
  };
}
