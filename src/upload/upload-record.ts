// What the upload did, filled in as it goes by the core and returned in its result: counts,
// sizes, timing, the copy, the files left over in the destination, whether it was complete.

export class UploadRecord {
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
  /** Package parts left out because the cluster holds them (diff-package). */
  skippedPackageCount?: number;
  /** Bytes of the compressed copy (compress), once every zip was written. */
  compressedBytes?: number;
  /** Blob storage path: the `.sfpkg`'s URL without its SAS, and whether it was uploaded or found there already. */
  packageUrl?: string;
  blobResult?: 'uploaded' | 'reused';
  error?: string;

  get durationSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  get throughput(): number | undefined {
    if (this.bytesUploaded === undefined || !this.uploadSeconds) return undefined;
    return Math.round(this.bytesUploaded / this.uploadSeconds);
  }
}
