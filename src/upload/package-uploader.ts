// Uploads a scanned package into the store: the schedule (large files first, at most
// `concurrency` files at once), with each file's upload (file-upload.ts), the shared probe for
// upload sessions (session-capability.ts), the mark files written as folders complete
// (mark-files.ts), progress and failures each in their own module. All requests share one bounded
// pool (the client's limiter).
import type { ImageStoreClient } from '../cluster/store-client.js';
import type { PackageFile, ScannedPackage } from '../package/package-scan.js';
import { compareCodeUnits, joinStorePath } from '../protocol/store-path.js';
import { inParallel } from '../util/concurrency.js';
import { uploadPackageFile } from './file-upload.js';
import { MarkFileWriter } from './mark-files.js';
import { SessionCapability } from './session-capability.js';
import { UploadFailures } from './upload-failures.js';
import { UploadProgress } from './upload-progress.js';
import type { FolderListings } from './verify-destination.js';
import { type Reporter, SILENT_REPORTER } from '../util/reporter.js';

export { UploadFailedError } from './upload-failures.js';

/**
 * The order files start in. Large files first, so that their many chunks overlap with the small
 * files. Then the small ones deepest folder first (a folder's files together, in path order): a
 * folder's mark file waits for the marks of every folder beneath it, so when the deep folders are
 * done early their chains of marks are written while the shallow files still upload, and little
 * is left to write after the last file (bench packages: the marks after the last file took about
 * 50 ms instead of 150 ms in path order; see docs/upload-engine.md).
 */
export function uploadOrder(files: readonly PackageFile[], chunkSize: number): PackageFile[] {
  const present = files.filter(f => f.ready === undefined);
  const unsorted = present.filter(f => f.size <= chunkSize);
  // Each depth counted once, not twice per comparison (50,000 files: 1.6 million arrays of segments).
  const depths = Int32Array.from(unsorted, f => depthOf(f.relativePath));
  const path = (i: number) => unsorted[i]!.relativePath;
  const small = Array.from(unsorted.keys())
    .sort((a, b) => depths[b]! - depths[a]! || compareCodeUnits(path(a), path(b)))
    .map(i => unsorted[i]!);
  // Files still being written (zips of the compressed copy) last, in the order given: the order they are written in.
  const pending = files.filter(f => f.ready !== undefined);
  return [...present.filter(f => f.size > chunkSize).sort((a, b) => b.size - a.size), ...small, ...pending];
}

/** How many segments `relativePath` has (`/`-separated). */
function depthOf(relativePath: string): number {
  let depth = 1;
  for (let i = relativePath.indexOf('/'); i >= 0; i = relativePath.indexOf('/', i + 1)) depth++;
  return depth;
}

export interface UploadSettings {
  /** Destination folder in the store. */
  destination: string;
  chunkSize: number;
  concurrency: number;
  /**
   * True when the destination was deleted first or did not exist, so that a file found in the
   * store after a commit whose answer was lost can only be ours.
   */
  destinationEmpty: boolean;
  /** The run's cancellation: no new request once aborted. */
  signal?: AbortSignal;
  /** Given each sub-folder as soon as its mark file is written, to list it for the verification then. */
  listings?: FolderListings;
  /** Where the upload reports; nothing is printed without one. */
  reporter?: Reporter;
}

export interface UploadStats {
  filesUploaded: number;
  bytesUploaded: number;
  chunkedFiles: number;
  markFilesWritten: number;
  /** Of those, the ones written while files were still uploading. */
  markFilesWrittenDuringUpload: number;
}

export class PackageUploader {
  readonly progress: UploadProgress;
  private readonly counts = { filesUploaded: 0, bytesUploaded: 0, chunkedFiles: 0, markFilesWrittenDuringUpload: 0 };
  private readonly sessions: SessionCapability;
  private readonly reporter: Reporter;
  private readonly openSessions = new Set<string>();
  private readonly failures: UploadFailures;
  private readonly marks: MarkFileWriter;

  constructor(
    private readonly client: ImageStoreClient,
    private readonly pkg: ScannedPackage,
    private readonly settings: UploadSettings
  ) {
    this.reporter = settings.reporter ?? SILENT_REPORTER;
    this.sessions = new SessionCapability(this.reporter);
    // Files still being written (zips) count once they are complete: see uploadFiles().
    this.progress = new UploadProgress(
      pkg.files.length,
      pkg.files.reduce((n, f) => n + (f.ready === undefined ? f.size : 0), 0)
    );
    for (const file of pkg.files) {
      if (file.ready === undefined) continue;
      this.progress.filesBeingWritten++;
      void file.ready.then(
        () => {
          this.progress.filesBeingWritten--;
          this.progress.totalBytes += file.size;
        },
        () => undefined
      );
    }
    this.failures = new UploadFailures(settings.signal);
    this.marks = new MarkFileWriter(
      client,
      settings.destination,
      pkg.folders,
      pkg.files.map(f => f.relativePath),
      () => this.failures.stopped,
      (err, markFile) => this.failures.add(err, markFile),
      folder => settings.listings?.folderComplete(folder),
      this.reporter
    );
  }

  get stats(): UploadStats {
    return { ...this.counts, markFilesWritten: this.marks.written };
  }

  /**
   * Uploads every package file, and the mark file of every sub-folder that completes on the way;
   * throws UploadFailedError (or CancelledError) after deleting the sessions it opened.
   */
  async uploadFiles(): Promise<void> {
    this.marks.start();
    const { chunkSize, concurrency, destination } = this.settings;
    const ordered = uploadOrder(this.pkg.files, chunkSize);
    const context = {
      client: this.client,
      chunkSize,
      concurrency,
      destinationEmpty: this.settings.destinationEmpty,
      progress: this.progress,
      sessions: this.sessions,
      openSessions: this.openSessions,
      stopped: () => this.failures.stopped,
      reporter: this.reporter
    };
    await inParallel(
      ordered,
      concurrency,
      async file => {
        let how;
        try {
          if (file.ready) {
            // A zip still being written: it goes once it is complete, with its final size.
            await file.ready;
            if (this.failures.stopped) return;
          }
          how = await uploadPackageFile(context, file, joinStorePath(destination, file.relativePath));
        } catch (err) {
          return this.failures.add(err, file.relativePath);
        }
        this.counts.filesUploaded++;
        this.counts.bytesUploaded += file.size;
        if (how === 'session') this.counts.chunkedFiles++;
        this.progress.filesDone++;
        this.marks.fileUploaded(file.relativePath);
      },
      () => this.failures.stopped
    );
    this.counts.markFilesWrittenDuringUpload = this.marks.written;
    if (this.failures.stopped) await this.marks.settle();
    await this.throwIfStopped();
  }

  /**
   * Waits for the remaining mark files of the sub-folders, each written once everything beneath
   * it is complete. The package root's is withheld: the caller writes it with writeRootMarkFile()
   * only after verifying the store. Requires a completed uploadFiles().
   */
  async writeMarkFiles(): Promise<void> {
    await this.marks.settle();
    await this.throwIfStopped();
    if (!this.marks.rootReady) throw new Error('internal: the package root is not complete after every mark file was written');
  }

  /** Writes the package root's `_.dir`: the package is then complete for the cluster. */
  async writeRootMarkFile(): Promise<void> {
    await this.marks.writeRoot();
  }

  private async throwIfStopped(): Promise<void> {
    if (!this.failures.stopped) return;
    await this.cancelOpenSessions();
    throw this.failures.toError();
  }

  /** Best effort: a failed or cancelled run leaves no session behind where the cluster still answers. */
  private async cancelOpenSessions(): Promise<void> {
    const ids = [...this.openSessions];
    this.openSessions.clear();
    if (ids.length === 0) return;
    const cleanup = this.client.forCleanup();
    await Promise.all(
      ids.map(id =>
        cleanup.deleteUploadSession(id).catch((err: unknown) => this.reporter.warning(`Could not delete upload session ${id}: ${(err as Error).message}`))
      )
    );
    this.reporter.info(`Deleted ${ids.length} open upload session(s).`);
  }
}
