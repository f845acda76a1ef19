// The upload of one package to its destination: prepare, upload, write the sub-folders' mark
// files, verify, write the root's mark file, copy and verify the copy, and only then clean up.
// Everything it learns goes into the UploadRecord it is given.
import { type DestinationState, destinationExistsError, inspectDestination, prepareDestination } from '../upload/prepare-destination.js';
import { assertHoldsPackage, FolderListings, findStale, listTree, type StoreTree, sumOf } from '../upload/verify-destination.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { joinStorePath } from '../protocol/store-path.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import type { ScannedPackage } from '../package/package-scan.js';
import { PackageUploader } from '../upload/package-uploader.js';
import { DestinationLease } from '../upload/destination-lease.js';
import { isWrittenAfter, stampOf } from '../protocol/file-stamp.js';
import type { UploadRecord } from '../upload/upload-record.js';
import type { UploadSpec } from '../upload/upload-spec.js';
import { formatBytes } from '../util/format-bytes.js';
import type { Reporter } from '../util/reporter.js';
import type { SettingNames } from '../util/settings.js';
import { allInOrder } from '../util/concurrency.js';

/** What the upload steps need besides the package: the spec, the record to fill, where to report. */
export interface UploadStep {
  client: ImageStoreClient;
  spec: UploadSpec;
  record: UploadRecord;
  reporter: Reporter;
  names: SettingNames;
  signal: AbortSignal;
  /** Given this run's lease on the destination as soon as it is taken: the caller releases it when the run ends. */
  onLease?: (lease: DestinationLease) => void;
}

/**
 * Starts the destination's read-only listing, which uploadPackage() needs first: a release sends it
 * beside its own reads before any write (a round trip less). Observed at once; uploadPackage() awaits it.
 */
export function inspectForUpload({ client, spec, names }: Pick<UploadStep, 'client' | 'spec' | 'names'>): Promise<DestinationState> {
  const inspection = inspectDestination(client, spec.imageStorePath, { lookForRootMark: spec.overwrite === 'skip', names });
  inspection.catch(() => undefined);
  return inspection;
}

/** `inspection`: the destination's listing already started with inspectForUpload(), if any. */
export async function uploadPackage(step: UploadStep, pkg: ScannedPackage, inspection?: Promise<DestinationState>): Promise<void> {
  const { client, spec, record, reporter, names, signal } = step;
  const destination = spec.imageStorePath;
  let lease: DestinationLease | undefined;
  try {
    const prepared = await reporter.group(`Prepare '${destination}' (${names.Overwrite}: ${spec.overwrite})`, async () => {
      // The first request is the read-only listing that tells an Image Store from anything else; the lease's marker comes next.
      const state = await (inspection ?? inspectForUpload(step));
      const writes = !(spec.overwrite === 'skip' && state.complete) && !(spec.overwrite === 'fail' && state.exists);
      if (writes) {
        lease = await DestinationLease.acquire(client, destination, { log: line => reporter.info(line), warn: line => reporter.warning(line) });
        step.onLease?.(lease);
      }
      return prepareDestination(client, destination, spec.overwrite, pkg, spec.concurrency, state, reporter, names);
    });
    if (prepared.skip) {
      record.skipped = true;
      record.fileCount = 0;
      record.folderCount = 0;
      record.chunkedFileCount = 0;
      const [tree, size] = await allInOrder([listTree(client, destination, spec.concurrency), client.folderSize(destination)]);
      warnAboutStale(step, tree, pkg);
      record.storeSizeBytes = size ?? sumOf(tree.files);
      return;
    }

    if (!lease) throw new Error('internal: an upload without a lease on its destination');
    const floor = lease.floor;
    const listings = new FolderListings(client, destination);
    const uploader = new PackageUploader(client, pkg, {
      destination,
      chunkSize: spec.chunkSize,
      concurrency: spec.concurrency,
      destinationEmpty: prepared.empty,
      signal,
      listings,
      reporter
    });
    const recordProgress = () => {
      record.fileCount = uploader.stats.filesUploaded;
      record.folderCount = uploader.stats.markFilesWritten;
      record.chunkedFileCount = uploader.stats.chunkedFiles;
      record.bytesUploaded = uploader.stats.bytesUploaded;
      record.uploadSeconds = uploader.progress.elapsedSeconds;
    };
    try {
      await reporter.group(`Upload ${pkg.files.length} files to '${destination}'`, async () => {
        uploader.progress.start(line => reporter.progress(line));
        try {
          await uploader.uploadFiles();
        } finally {
          uploader.progress.stop();
          recordProgress();
        }
        reporter.info(uploader.progress.line());
      });
      await reporter.group('Write the mark files of the sub-folders', async () => {
        await uploader.writeMarkFiles();
        const { markFilesWritten, markFilesWrittenDuringUpload } = uploader.stats;
        reporter.info(
          `Wrote ${markFilesWritten} mark files ('_.dir'), each once everything beneath it was complete (${markFilesWrittenDuringUpload} while files were still uploading); the package root's waits for the verification.`
        );
      });

      // Nothing marks the package complete, is copied or deleted before the store is seen to hold it.
      // The lease is read beside the verification's listings (a round trip less before the root's
      // mark file); nothing is written between that read and the mark file but the verification's reads.
      const leaseConfirmed = lease.confirm();
      leaseConfirmed.catch(() => undefined); // awaited below; a failed verification throws first
      await reporter.group('Verify', async () => {
        // The sub-folders were listed as their mark files were written: what is left is the root.
        const [tree, size] = await allInOrder([listings.tree(spec.concurrency), client.folderSize(destination)]);
        assertHoldsPackage(tree, pkg, `'${destination}'`, { withoutRootMark: true, writtenAfter: floor }, names);
        warnAboutStale(step, tree, pkg);
        record.storeSizeBytes = size ?? sumOf(tree.files);
        reporter.info(
          `'${destination}' holds all ${pkg.files.length} files and the mark files of ${pkg.folders.length - 1} sub-folders; its size is ${record.storeSizeBytes} bytes${size === undefined ? ' (summed from a listing: this cluster has no FolderSize)' : ''}.`
        );
      });

      await reporter.group("Write the package root's mark file", async () => {
        await leaseConfirmed;
        await uploader.writeRootMarkFile();
        const rootMark = await client.getFileInfo(joinStorePath(destination, MARK_FILE_NAME));
        if (rootMark === undefined || isWrittenAfter(stampOf(rootMark), floor) === false) {
          throw new Error(
            `The Image Store answered the write of '${destination}/${MARK_FILE_NAME}' but ${rootMark === undefined ? 'does not list it' : 'lists an older one'}: the package is not marked complete. Run the upload again.`
          );
        }
        record.rootMarked = true;
        reporter.info(`Wrote '${destination}/${MARK_FILE_NAME}': the package is complete for the cluster.`);
      });
    } finally {
      recordProgress();
    }

    if (spec.copyTo) {
      const copyTo = spec.copyTo;
      await reporter.group(`Copy to '${copyTo}'`, async () => {
        await client.copy({ RemoteSource: destination, RemoteDestination: copyTo, CheckMarkFile: true });
        const tree = await listTree(client, copyTo, spec.concurrency);
        assertHoldsPackage(tree, pkg, `the copy '${copyTo}'`, { writtenAfter: floor }, names);
        record.copiedTo = copyTo;
        reporter.info(`Copied '${destination}' to '${copyTo}' within the Image Store, and checked that the copy holds the package.`);
      });
    }

    if (spec.cleanupPaths.length > 0) {
      await reporter.group('Clean up', async () => {
        for (const p of spec.cleanupPaths) {
          await client.delete(p);
          reporter.info(`Deleted '${p}'.`);
        }
      });
    }

    const throughput = record.throughput;
    reporter.info(
      `Uploaded ${record.fileCount} files (${formatBytes(pkg.totalBytes)}) and ${record.folderCount} mark files to '${destination}' in ${record.durationSeconds.toFixed(1)} s${throughput ? `, ${formatBytes(throughput)}/s` : ''}.`
    );
  } finally {
    record.requestsSent = client.requestsSent;
  }
}

/** Files and folders the destination holds that the package lacks: a warning, and an output. */
function warnAboutStale({ spec, record, reporter, names }: UploadStep, tree: StoreTree, pkg: ScannedPackage, dryRun = false): void {
  const destination = spec.imageStorePath;
  const stale = findStale(tree, pkg);
  record.staleCount = stale.length;
  if (stale.length === 0) return;
  const shown = stale.slice(0, STALE_SHOWN).map(p => `'${p}'`);
  const more = stale.length > STALE_SHOWN ? ` and ${stale.length - STALE_SHOWN} more` : '';
  reporter.warning(
    `'${destination}' ${dryRun ? 'holds' : 'still holds'} ${stale.length} file(s) or folder(s) the package does not have: ${shown.join(', ')}${more}. ${
      spec.overwrite === 'replace'
        ? `The cluster kept them although '${names.Overwrite}: replace' deleted the destination first: check what else writes there.`
        : `They stay with '${names.Overwrite}: ${spec.overwrite}'; use '${names.Overwrite}: replace' to upload the package alone.`
    }`
  );
}

const STALE_SHOWN = 10;

/** What a real run would do, with no change to the store. */
export async function planUpload(step: UploadStep, pkg: ScannedPackage): Promise<void> {
  const { client, spec, record, reporter, names } = step;
  record.dryRun = true;
  const destination = spec.imageStorePath;
  try {
    await reporter.group('Plan (dry run: nothing is changed in the store)', async () => {
      const state = await inspectDestination(client, destination, { lookForRootMark: true, names });
      reporter.info(
        `Destination '${destination}' ${state.exists ? (state.complete ? 'holds a complete upload' : 'exists without its root mark file') : 'does not exist'}; ${names.Overwrite}: ${spec.overwrite}.`
      );
      if (spec.overwrite === 'fail' && state.exists) throw destinationExistsError(destination, names);
      if (spec.overwrite === 'skip' && state.complete) {
        record.skipped = true;
        record.fileCount = 0;
        record.folderCount = 0;
        record.chunkedFileCount = 0;
        reporter.info(`Would skip the upload: '${destination}/${MARK_FILE_NAME}' exists and '${names.Overwrite}' is 'skip'.`);
        warnAboutStale(step, await listTree(client, destination, spec.concurrency), pkg, true);
        return;
      }
      if (spec.overwrite === 'merge' && state.exists) {
        warnAboutStale(step, await listTree(client, destination, spec.concurrency), pkg, true);
      }
      if (state.exists && (spec.overwrite === 'replace' || spec.overwrite === 'skip')) reporter.info(`Would delete '${destination}' first.`);
      const chunked = pkg.files.filter(f => f.size > spec.chunkSize);
      reporter.info(
        `Would upload ${pkg.files.length} files (${formatBytes(pkg.totalBytes)}), ${chunked.length} of them in chunks of ${formatBytes(spec.chunkSize)}, and write ${pkg.folders.length} mark files.`
      );
      for (const f of pkg.files.slice(0, 50)) reporter.info(`  ${f.relativePath} (${f.size} bytes${f.size > spec.chunkSize ? ', chunked' : ''})`);
      if (pkg.files.length > 50) reporter.info(`  … and ${pkg.files.length - 50} more`);
      if (spec.copyTo) reporter.info(`Would copy '${destination}' to '${spec.copyTo}'.`);
      for (const p of spec.cleanupPaths) reporter.info(`Would delete '${p}' once everything else succeeded.`);
      record.fileCount = pkg.files.length;
      record.folderCount = pkg.folders.length;
      record.chunkedFileCount = chunked.length;
    });
  } finally {
    record.requestsSent = client.requestsSent;
  }
}
