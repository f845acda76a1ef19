// What the run did, as step outputs and as a job summary. Both are written whether the run
// succeeds or fails, with every value known by then.
import * as core from '@actions/core';
import { formatBytes } from '../util/format-bytes.js';
import { uploadOutputs } from '../core/outputs.js';
import { type UploadRecord } from '../upload/upload-record.js';

export { Output, uploadOutputs } from '../core/outputs.js';

/** Writes the step outputs; a failure to write them fails the step with a message, never a crash. */
export function writeUploadOutputs(r: UploadRecord): void {
  try {
    for (const [name, value] of Object.entries(uploadOutputs(r))) core.setOutput(name, value);
  } catch (err) {
    core.setFailed(`Could not write the step outputs to GITHUB_OUTPUT: ${(err as Error).message}`);
  }
}

/** Writes the job summary; a failure to write it is logged, never fatal. */
export async function writeUploadSummary(r: UploadRecord): Promise<void> {
  try {
    const [firstLine, ...moreLines] = (r.error ?? '').split('\n');
    const failures = moreLines.map(l => l.replace(/^\s*-\s*/, '')).filter(l => l.trim() !== '');
    const stale = r.staleCount ? ` ⚠️ It holds ${r.staleCount} file(s) or folder(s) the package does not have (see the warning).` : '';
    const uploadFailed = r.error !== undefined && !r.uploadCompleted && r.uploadNotNeeded === undefined;
    const status = uploadFailed
      ? `❌ ${r.dryRun ? 'Dry run' : 'Upload'} failed: ${firstLine}`
      : r.uploadNotNeeded !== undefined
        ? `⏭️ Not uploaded: ${r.uploadNotNeeded}.`
        : r.dryRun
          ? `ℹ️ Dry run: nothing was changed in the Image Store; a real run would ${r.skipped ? `skip the upload (a complete upload is at '${r.imageStorePath}')` : `upload to '${r.imageStorePath}'`}.${stale}`
          : r.skipped
            ? `⏭️ Skipped: a complete upload is already at '${r.imageStorePath}'.${stale}`
            : `${r.staleCount ? '⚠️' : '✅'} Uploaded to '${r.imageStorePath}'.${stale}${r.error ? ' The release that followed failed: see below.' : ''}`;
    const row = (label: string, value: string | undefined) => [label, value ?? '—'];
    const throughput = r.throughput;
    core.summary.addHeading('Service Fabric package upload', 2).addRaw(status, true);
    if (uploadFailed && failures.length > 0) core.summary.addList(failures);
    await core.summary
      .addTable([
        [
          { data: 'What', header: true },
          { data: 'Value', header: true }
        ],
        row('Destination', r.imageStorePath),
        row('Cluster', r.endpoint),
        row(r.dryRun ? 'Files to upload' : 'Files uploaded', r.fileCount?.toString()),
        row(r.dryRun ? 'Folders (mark files) to write' : 'Folders (mark files)', r.folderCount?.toString()),
        row('Left over in the destination', r.staleCount?.toString()),
        row('Chunked files', r.chunkedFileCount?.toString()),
        row('Package size', r.totalBytes === undefined ? undefined : `${formatBytes(r.totalBytes)} (${r.totalBytes} bytes)`),
        row('Store size', r.storeSizeBytes === undefined ? undefined : `${formatBytes(r.storeSizeBytes)} (${r.storeSizeBytes} bytes)`),
        row('Duration', `${r.durationSeconds.toFixed(1)} s`),
        row('Throughput', throughput === undefined ? undefined : `${formatBytes(throughput)}/s`),
        row('Requests', r.requestsSent?.toString()),
        row('Copied to', r.copiedTo)
      ])
      .write();
  } catch (err) {
    core.warning(`Could not write the job summary: ${(err as Error).message}`);
  }
}
