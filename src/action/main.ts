// The action: read inputs, scan the package, prepare the destination, upload, write the
// sub-folders' mark files, verify, write the root's mark file, copy and verify the copy, and only
// then clean up; report in outputs and the job summary whatever happens.
import * as core from '@actions/core';
import { destinationExistsError, inspectDestination, prepareDestination } from '../upload/prepare-destination.js';
import { assertHoldsPackage, FolderListings, findStale, listTree, type StoreTree, sumOf } from '../upload/verify-destination.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { joinStorePath } from '../protocol/store-path.js';
import type { ExpectContinueMode } from '../cluster/transport.js';
import { type ClusterConnection, connectToCluster } from '../cluster/connect.js';
import { readClientCertificate } from '../cluster/auth/client-certificate.js';
import { formatBytes, getInputs, Input, type UploadInputs } from './inputs.js';
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
  const stopListening = cancelOnSignals(cancellation, () => releaseReport.cancelling());
  let connection: ClusterConnection | undefined;
  let toUpload: PackageToUpload | undefined;
  try {
    const inputs = getInputs();
    const deployInputs = getDeployInputs();
    const packageInputs = getPackageInputs();
    report.endpoint = inputs.clusterEndpoint;
    report.imageStorePath = inputs.imageStorePath;
    report.overwrite = inputs.overwrite;
    const clientCertificate = await readClientCertificate(inputs.security);

    const pkg = await core.group('Scan the package', async () => {
      const scanned = await scanPackage(inputs.packagePath, inputs.include);
      const chunked = scanned.files.filter(f => f.size > inputs.chunkSize).length;
      core.info(
        `${scanned.files.length} files in ${scanned.folders.length} folders, ${formatBytes(scanned.totalBytes)}; ${chunked} larger than chunk-size (${formatBytes(inputs.chunkSize)}) go in chunks.`
      );
      for (const pattern of scanned.unmatchedPatterns) {
        core.warning(`The '${Input.Include}' pattern '${pattern}' matches nothing in '${Input.PackagePath}': check it for a typo, or remove it.`);
      }
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

    if (release?.alreadyProvisioned && !inputs.dryRun) {
      // An identical type+version already provisioned needs no upload, nor a diff or a compressed copy.
      report.uploadNotNeeded = `application type ${release.typeName} ${release.typeVersion} is already provisioned with the same manifests`;
    } else {
      // What is uploaded: the package, its diff against the cluster, or its compressed copy.
      toUpload = await preparePackageToUpload(pkg, validation, packageInputs, new ManagementClient(connected.gateway));
      if (inputs.dryRun) {
        await toUpload.complete;
        await dryRun(client, inputs, toUpload.pkg, report);
        return;
      }
      await upload(client, inputs, toUpload.pkg, report, cancellation.signal);
      await toUpload.complete;
      report.uploadCompleted = true;
    }
    await deployRelease(release, connected, releaseReport);
  } catch (err) {
    report.error =
      releaseReport.failureMessage(err, cancellation.signal.aborted) ??
      (err instanceof CancelledError || cancellation.signal.aborted
        ? report.rootMarked
          ? `The run was cancelled after '${report.imageStorePath}' was complete and verified: ${unfinishedAfterRootMark(report)}no more requests were sent. Run it again to finish the copy and the cleanup.`
          : `The upload was cancelled: no more requests were sent, the upload sessions it opened were deleted, and the package root's mark file was not written, so '${report.imageStorePath ?? 'the destination'}' is incomplete. Run the upload again.`
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
function cancelOnSignals(cancellation: AbortController, cancelling: () => string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (cancellation.signal.aborted) {
      core.error(`Received ${signal} again: exiting now.`);
      process.exit(1);
    }
    core.warning(`Received ${signal}: cancelling ${cancelling()}.`);
    cancellation.abort();
    setTimeout(() => {
      core.error('The cancelled run did not stop within 10 s: exiting now.');
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

async function upload(client: ImageStoreClient, inputs: UploadInputs, pkg: ScannedPackage, report: RunReport, signal: AbortSignal): Promise<void> {
  const destination = inputs.imageStorePath;
  try {
    const prepared = await core.group(`Prepare '${destination}' (overwrite: ${inputs.overwrite})`, async () => {
      const state = await inspectDestination(client, destination, { lookForRootMark: inputs.overwrite === 'skip' });
      return prepareDestination(client, destination, inputs.overwrite, pkg, inputs.concurrency, state);
    });
    if (prepared.skip) {
      report.skipped = true;
      report.fileCount = 0;
      report.folderCount = 0;
      report.chunkedFileCount = 0;
      const [tree, size] = await Promise.all([listTree(client, destination, inputs.concurrency), client.folderSize(destination)]);
      warnAboutStale(tree, pkg, destination, report);
      report.storeSizeBytes = size ?? sumOf(tree.files);
      return;
    }

    const listings = new FolderListings(client, destination);
    const uploader = new PackageUploader(client, pkg, {
      destination,
      chunkSize: inputs.chunkSize,
      concurrency: inputs.concurrency,
      destinationEmpty: prepared.empty,
      signal,
      listings
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
      await core.group('Write the mark files of the sub-folders', async () => {
        await uploader.writeMarkFiles();
        const { markFilesWritten, markFilesWrittenDuringUpload } = uploader.stats;
        core.info(
          `Wrote ${markFilesWritten} mark files ('_.dir'), each once everything beneath it was complete (${markFilesWrittenDuringUpload} while files were still uploading); the package root's waits for the verification.`
        );
      });

      // Nothing marks the package complete, is copied or deleted before the store is seen to hold it.
      await core.group('Verify', async () => {
        // The sub-folders were listed as their mark files were written: what is left is the root.
        const [tree, size] = await Promise.all([listings.tree(inputs.concurrency), client.folderSize(destination)]);
        assertHoldsPackage(tree, pkg, `'${destination}'`, { withoutRootMark: true });
        warnAboutStale(tree, pkg, destination, report);
        report.storeSizeBytes = size ?? sumOf(tree.files);
        core.info(
          `'${destination}' holds all ${pkg.files.length} files and the mark files of ${pkg.folders.length - 1} sub-folders; its size is ${report.storeSizeBytes} bytes${size === undefined ? ' (summed from a listing: this cluster has no FolderSize)' : ''}.`
        );
      });

      await core.group("Write the package root's mark file", async () => {
        await uploader.writeRootMarkFile();
        if ((await client.getFileInfo(joinStorePath(destination, MARK_FILE_NAME))) === undefined) {
          throw new Error(
            `The Image Store answered the write of '${destination}/${MARK_FILE_NAME}' but does not list it: the package is not marked complete. Run the upload again.`
          );
        }
        report.rootMarked = true;
        core.info(`Wrote '${destination}/${MARK_FILE_NAME}': the package is complete for the cluster.`);
      });
    } finally {
      recordProgress();
    }

    if (inputs.copyTo) {
      const copyTo = inputs.copyTo;
      await core.group(`Copy to '${copyTo}'`, async () => {
        await client.copy({ RemoteSource: destination, RemoteDestination: copyTo, CheckMarkFile: true });
        const tree = await listTree(client, copyTo, inputs.concurrency);
        assertHoldsPackage(tree, pkg, `the copy '${copyTo}'`);
        report.copiedTo = copyTo;
        core.info(`Copied '${destination}' to '${copyTo}' within the Image Store, and checked that the copy holds the package.`);
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

    const throughput = report.throughput;
    core.info(
      `Uploaded ${report.fileCount} files (${formatBytes(pkg.totalBytes)}) and ${report.folderCount} mark files to '${destination}' in ${report.durationSeconds.toFixed(1)} s${throughput ? `, ${formatBytes(throughput)}/s` : ''}.`
    );
  } finally {
    report.requestsSent = client.requestsSent;
  }
}

/** Files and folders the destination holds that the package lacks: a warning, and an output. */
function warnAboutStale(tree: StoreTree, pkg: ScannedPackage, destination: string, report: RunReport, dryRun = false): void {
  const stale = findStale(tree, pkg);
  report.staleCount = stale.length;
  if (stale.length === 0) return;
  const shown = stale.slice(0, STALE_SHOWN).map(p => `'${p}'`);
  const more = stale.length > STALE_SHOWN ? ` and ${stale.length - STALE_SHOWN} more` : '';
  core.warning(
    `'${destination}' ${dryRun ? 'holds' : 'still holds'} ${stale.length} file(s) or folder(s) the package does not have: ${shown.join(', ')}${more}. ${
      report.overwrite === 'replace'
        ? "The cluster kept them although 'overwrite: replace' deleted the destination first: check what else writes there."
        : `They stay with 'overwrite: ${report.overwrite}'; use 'overwrite: replace' to upload the package alone.`
    }`
  );
}

const STALE_SHOWN = 10;

async function dryRun(client: ImageStoreClient, inputs: UploadInputs, pkg: ScannedPackage, report: RunReport): Promise<void> {
  report.dryRun = true;
  const destination = inputs.imageStorePath;
  try {
    await core.group('Plan (dry run: nothing is changed in the store)', async () => {
      const state = await inspectDestination(client, destination);
      core.info(
        `Destination '${destination}' ${state.exists ? (state.complete ? 'holds a complete upload' : 'exists without its root mark file') : 'does not exist'}; overwrite: ${inputs.overwrite}.`
      );
      if (inputs.overwrite === 'fail' && state.exists) throw destinationExistsError(destination);
      if (inputs.overwrite === 'skip' && state.complete) {
        report.skipped = true;
        report.fileCount = 0;
        report.folderCount = 0;
        report.chunkedFileCount = 0;
        core.info(`Would skip the upload: '${destination}/${MARK_FILE_NAME}' exists and 'overwrite' is 'skip'.`);
        warnAboutStale(await listTree(client, destination, inputs.concurrency), pkg, destination, report, true);
        return;
      }
      if (inputs.overwrite === 'merge' && state.exists) {
        warnAboutStale(await listTree(client, destination, inputs.concurrency), pkg, destination, report, true);
      }
      if (state.exists && (inputs.overwrite === 'replace' || inputs.overwrite === 'skip')) core.info(`Would delete '${destination}' first.`);
      const chunked = pkg.files.filter(f => f.size > inputs.chunkSize);
      core.info(
        `Would upload ${pkg.files.length} files (${formatBytes(pkg.totalBytes)}), ${chunked.length} of them in chunks of ${formatBytes(inputs.chunkSize)}, and write ${pkg.folders.length} mark files.`
      );
      for (const f of pkg.files.slice(0, 50)) core.info(`  ${f.relativePath} (${f.size} bytes${f.size > inputs.chunkSize ? ', chunked' : ''})`);
      if (pkg.files.length > 50) core.info(`  … and ${pkg.files.length - 50} more`);
      if (inputs.copyTo) core.info(`Would copy '${destination}' to '${inputs.copyTo}'.`);
      for (const p of inputs.cleanupPaths) core.info(`Would delete '${p}' once everything else succeeded.`);
      report.fileCount = pkg.files.length;
      report.folderCount = pkg.folders.length;
      report.chunkedFileCount = chunked.length;
    });
  } finally {
    report.requestsSent = client.requestsSent;
  }
}

function unfinishedAfterRootMark(report: RunReport): string {
  return report.copiedTo === undefined ? 'the copy (if any) and the cleanup did not finish; ' : 'the cleanup did not finish; ';
}

/** SFU_EXPECT_CONTINUE (for measurements): always, first-request (the default) or never. */
function expectContinueMode(value: string | undefined): ExpectContinueMode {
  if (value === 'always' || value === 'never' || value === 'first-request') return value;
  return 'first-request';
}
