// What the upload did, as step outputs and as facts for the job summary (summary-markdown.ts). Both
// are written whether the run succeeds or fails, with every value known by then.
import * as core from '@actions/core';
import { uploadOutputs } from '../core/outputs.js';
import { type UploadRecord } from '../upload/upload-record.js';
import type { UploadFacts } from './summary-markdown.js';

export { Output, uploadOutputs } from '../core/outputs.js';

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
