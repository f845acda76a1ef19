// The action: read inputs, scan the package, prepare the destination, upload, write mark files,
// copy, clean up, verify; report in outputs and the job summary whatever happens.
import * as core from '@actions/core';
import { findDifferences, listTree, prepareDestination } from '../upload/destination.js';
import type { ExpectContinueMode } from '../cluster/transport.js';
import { type ClusterConnection, connectToCluster } from '../cluster/connect.js';
import { loadClientCertificate } from '../cluster/auth/client-certificate.js';
import { formatBytes, getInputs, type UploadInputs } from './inputs.js';
import { scanPackage, type ScannedPackage } from '../package/package-scan.js';
import { RunReport } from './run-report.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { CancelledError } from '../cluster/errors.js';
import { PackageUploader } from '../upload/package-uploader.js';
// Release deployment (issue 11): see src/deploy/deploy.ts.
import { getDeployInputs } from './deploy-inputs.js';
import { ReleaseReport } from './release-report.js';
import { checkAlreadyProvisioned, deployRelease, planRelease } from '../deploy/deploy.js';
// Validation, compressed and diff packages (issue 12): see src/package/prepare-upload.ts.
import { getPackageInputs } from './package-inputs.js';
import { type PackageToUpload, preparePackageToUpload, validatePackageStep } from '../package/prepare-upload.js';
import { ManagementClient } from '../cluster/management-client.js';

export async function run(): Promise<void> {
  const report = new RunReport();
  const releaseReport = new ReleaseReport();
  const cancellation = new AbortController();
  const stopListening = cancelOnSignals(cancellation);
  let connection: ClusterConnection | undefined;
  let toUpload: PackageToUpload | undefined;
  try {
    const inputs = getInputs();
    const deployInputs = getDeployInputs();
    const packageInputs = getPackageInputs();
    report.endpoint = inputs.clusterEndpoint;
    report.imageStorePath = inputs.imageStorePath;
    const clientCertificate = loadClientCertificate(inputs.security);

    const pkg = await core.group('Scan the package', async () => {
      const scanned = await scanPackage(inputs.packagePath, inputs.include);
      const chunked = scanned.files.filter(f => f.size > inputs.chunkSize).length;
      core.info(
        `${scanned.files.length} files in ${scanned.folders.length} folders, ${formatBytes(scanned.totalBytes)}; ${chunked} larger than chunk-size (${formatBytes(inputs.chunkSize)}) go in chunks.`
      );
      if (scanned.ignoredMarkFiles > 0) {
        core.info(`${scanned.ignoredMarkFiles} '_.dir' file(s) in the package are not uploaded: the action writes every mark file itself, last.`);
      }
      return scanned;
    });
    report.totalBytes = pkg.totalBytes;
    // Issue 12 hook 1: offline validation, before the first request.
    const validation = await validatePackageStep(pkg, packageInputs);
    const release = await planRelease(pkg.root, inputs.imageStorePath, deployInputs, releaseReport);
    if (release?.compressPackage) packageInputs.compress = true; // the publish profile's CopyPackageParameters CompressPackage

    const connected = connectToCluster(inputs, clientCertificate, {
      signal: cancellation.signal,
      expectContinue: expectContinueMode(process.env.SFU_EXPECT_CONTINUE),
      onRetry: line => core.info(line)
    });
    connection = connected;
    const client = connected.client;
    if (inputs.security.aadToken !== undefined || inputs.security.azureClientId !== undefined) {
      await core.group('Authenticate with Azure AD', () => connected.authenticate());
    }
    await checkAlreadyProvisioned(release, connected.gateway, releaseReport);

    // Issue 12 hook 2: what is uploaded: the package, its diff against the cluster, its compressed copy.
    toUpload = await preparePackageToUpload(pkg, validation, packageInputs, new ManagementClient(connected.gateway));

    if (inputs.dryRun) {
      await dryRun(client, inputs, toUpload.pkg, report);
      return;
    }
    // An identical type+version already provisioned needs no upload (release-plan.ts).
    if (!release?.alreadyProvisioned) await upload(client, inputs, toUpload.pkg, report);
    await deployRelease(release, connected, releaseReport);
  } catch (err) {
    report.error =
      releaseReport.failureMessage(err, cancellation.signal.aborted) ??
      (err instanceof CancelledError || cancellation.signal.aborted
        ? `The upload was cancelled: no more requests were sent, the upload sessions it opened were deleted, and the package root's mark file was not written, so '${report.imageStorePath ?? 'the destination'}' is incomplete. Run the upload again.`
        : err instanceof Error
          ? err.message
          : String(err));
    releaseReport.error = report.error;
    core.setFailed(report.error);
  } finally {
    report.writeOutputs();
    releaseReport.writeOutputs();
    await report.writeSummary();
    await releaseReport.writeSummary();
    connection?.dispose();
    await toUpload?.dispose().catch(err => core.warning(`Could not delete the compressed copy: ${err instanceof Error ? err.message : String(err)}`));
    stopListening();
    if (process.env.SFU_REPORT_RESOURCE_USAGE === '1') {
      // For the benchmark and the memory tests: peak resident memory of this process, in KiB.
      const m = process.memoryUsage();
      const mib = (n: number) => Math.round(n / 1024 / 1024);
      console.log(
        `ACTION_RESOURCE_USAGE maxRSS=${process.resourceUsage().maxRSS} now: rss=${mib(m.rss)}MiB heapTotal=${mib(m.heapTotal)}MiB heapUsed=${mib(m.heapUsed)}MiB external=${mib(m.external)}MiB arrayBuffers=${mib(m.arrayBuffers)}MiB`
      );
    }
  }
}

/**
 * The runner cancels a job with SIGINT, then SIGTERM: stop sending, delete open sessions, write
 * no more mark files, and exit within a few seconds whatever happens. A second signal exits at once.
 */
function cancelOnSignals(cancellation: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (cancellation.signal.aborted) {
      core.error(`Received ${signal} again: exiting now.`);
      process.exit(1);
    }
    core.warning(`Received ${signal}: cancelling the upload.`);
    cancellation.abort();
    setTimeout(() => {
      core.error('The cancelled upload did not stop within 10 s: exiting now.');
      process.exit(1);
    }, 10_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

async function upload(client: ImageStoreClient, inputs: UploadInputs, pkg: ScannedPackage, report: RunReport): Promise<void> {
  const destination = inputs.imageStorePath;
  try {
    const prepared = await core.group(`Prepare '${destination}' (overwrite: ${inputs.overwrite})`, () =>
      prepareDestination(client, destination, inputs.overwrite, pkg, inputs.concurrency)
    );
    if (prepared.skip) {
      report.skipped = true;
      report.fileCount = 0;
      report.folderCount = 0;
      report.chunkedFileCount = 0;
      report.storeSizeBytes = (await client.folderSize(destination)) ?? sumOf((await listTree(client, destination, inputs.concurrency)).files);
      return;
    }

    const uploader = new PackageUploader(client, pkg, {
      destination,
      chunkSize: inputs.chunkSize,
      concurrency: inputs.concurrency,
      destinationEmpty: prepared.empty,
      signal: client.signal
    });
    const recordProgress = () => {
      report.fileCount = uploader.stats.filesUploaded;
      report.folderCount = uploader.stats.markFilesWritten;
      report.chunkedFileCount = uploader.stats.chunkedFiles;
      report.bytesUploaded = uploader.stats.bytesUploaded;
      report.uploadSeconds = uploader.progress.elapsedSeconds;
    };
    try {
      await core.group(`Upload ${pkg.files.length} files to '${destination}'`, async () => {
        uploader.progress.start(line => core.info(line));
        try {
          await uploader.uploadFiles();
        } finally {
          uploader.progress.stop();
          recordProgress();
        }
        core.info(uploader.progress.line());
      });
      await core.group('Write the mark files', async () => {
        await uploader.writeMarkFiles();
        // Interim: issue 9 moves verification between the sub-folders' marks and the root's.
        await uploader.writeRootMarkFile();
        const { markFilesWritten, markFilesWrittenDuringUpload } = uploader.stats;
        core.info(
          `Wrote ${markFilesWritten} mark files ('_.dir'), each once everything beneath it was complete (${markFilesWrittenDuringUpload} while files were still uploading), the package root's last.`
        );
      });
    } finally {
      recordProgress();
    }

    if (inputs.copyTo) {
      const copyTo = inputs.copyTo;
      await core.group(`Copy to '${copyTo}'`, async () => {
        await client.copy({ RemoteSource: destination, RemoteDestination: copyTo, CheckMarkFile: true });
        report.copiedTo = copyTo;
        core.info(`Copied '${destination}' to '${copyTo}' within the Image Store.`);
      });
    }

    if (inputs.cleanupPaths.length > 0) {
      await core.group('Clean up', async () => {
        for (const p of inputs.cleanupPaths) {
          await client.delete(p);
          core.info(`Deleted '${p}'.`);
        }
      });
    }

    await core.group('Verify', async () => {
      // The size and the listing are asked for together.
      const [tree, size] = await Promise.all([
        listTree(client, destination, inputs.concurrency),
        client.folderSize(destination)
      ]);
      const problems = findDifferences(tree, pkg);
      if (problems.length > 0) {
        throw new Error(
          `The Image Store does not hold the package after the upload: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}. Run the upload again.`
        );
      }
      report.storeSizeBytes = size ?? sumOf(tree.files);
      core.info(
        `'${destination}' holds all ${pkg.files.length} files and ${pkg.folders.length} mark files; its size is ${report.storeSizeBytes} bytes${size === undefined ? ' (summed from a listing: this cluster has no FolderSize)' : ''}.`
      );
    });
    const throughput = report.throughput;
    core.info(
      `Uploaded ${report.fileCount} files (${formatBytes(pkg.totalBytes)}) and ${report.folderCount} mark files to '${destination}' in ${report.durationSeconds.toFixed(1)} s${throughput ? `, ${formatBytes(throughput)}/s` : ''}.`
    );
  } finally {
    report.requestsSent = client.requestsSent;
  }
}

async function dryRun(client: ImageStoreClient, inputs: UploadInputs, pkg: ScannedPackage, report: RunReport): Promise<void> {
  report.dryRun = true;
  await core.group('Plan (dry run: nothing is changed in the store)', async () => {
    const exists = (await client.list(inputs.imageStorePath)) !== undefined;
    const chunked = pkg.files.filter(f => f.size > inputs.chunkSize);
    core.info(`Destination '${inputs.imageStorePath}' ${exists ? 'exists' : 'does not exist'}; overwrite: ${inputs.overwrite}.`);
    core.info(`Would upload ${pkg.files.length} files (${formatBytes(pkg.totalBytes)}), ${chunked.length} of them in chunks of ${formatBytes(inputs.chunkSize)}, and write ${pkg.folders.length} mark files.`);
    for (const f of pkg.files.slice(0, 50)) core.info(`  ${f.relativePath} (${f.size} bytes${f.size > inputs.chunkSize ? ', chunked' : ''})`);
    if (pkg.files.length > 50) core.info(`  … and ${pkg.files.length - 50} more`);
    if (inputs.copyTo) core.info(`Would copy '${inputs.imageStorePath}' to '${inputs.copyTo}'.`);
    for (const p of inputs.cleanupPaths) core.info(`Would delete '${p}'.`);
    report.fileCount = pkg.files.length;
    report.folderCount = pkg.folders.length;
    report.chunkedFileCount = chunked.length;
    report.requestsSent = client.requestsSent;
  });
}

/** SFU_EXPECT_CONTINUE (for measurements): always, first-request (the default) or never. */
function expectContinueMode(value: string | undefined): ExpectContinueMode {
  if (value === 'always' || value === 'never' || value === 'first-request') return value;
  return 'first-request';
}

function sumOf(files: Map<string, number>): number {
  let total = 0;
  for (const size of files.values()) total += size;
  return total;
}
