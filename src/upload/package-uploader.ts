// Uploads a scanned package into the store: small files by one PUT, large ones through upload
// sessions, every folder's mark file once everything beneath it is complete. All requests share
// one bounded pool (the client's limiter); at most `concurrency` files are open at once.
import * as core from '@actions/core';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { inParallel } from '../util/concurrency.js';
import { CancelledError, ImageStoreError } from '../cluster/errors.js';
import { FolderCompletion } from './folder-completion.js';
import type { BodySource } from '../cluster/transport.js';
import type { PackageFile, ScannedPackage } from '../package/package-scan.js';
import { type ByteRange, overlaps, splitIntoChunks } from '../protocol/byte-ranges.js';
import { ErrorCode, MARK_FILE_NAME } from '../protocol/error-codes.js';
import { parseInt64 } from '../protocol/models.js';
import { joinStorePath } from '../protocol/store-path.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { UploadProgress } from './upload-progress.js';

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
  signal?: AbortSignal;
}

export interface UploadStats {
  filesUploaded: number;
  bytesUploaded: number;
  chunkedFiles: number;
  markFilesWritten: number;
  /** Of those, the ones written while files were still uploading. */
  markFilesWrittenDuringUpload: number;
}

/** Several files failed; the message lists the first few. */
export class UploadFailedError extends Error {
  override name = 'UploadFailedError';
  constructor(readonly failures: Error[]) {
    const shown = failures.slice(0, 5).map(f => `  - ${f.message}`);
    const more = failures.length > 5 ? [`  - … and ${failures.length - 5} more`] : [];
    super(
      failures.length === 1
        ? failures[0].message
        : [`${failures.length} operations failed:`, ...shown, ...more].join('\n')
    );
  }
}

/**
 * How often a file's upload session may be lost (failover, expiry) or come back incomplete
 * before the file is given up.
 */
const MAX_SESSION_RECOVERIES = 5;
const READ_BUFFER_BYTES = 512 * 1024;
/** The gateway reads Content-Length as 32 bits. */
const MAX_SINGLE_PUT_BYTES = 2 ** 32 - 1;

class SessionLostError extends Error {}

/** A file stopped because another one failed: not a failure of its own. */
class StoppedError extends Error {}

export class PackageUploader {
  readonly progress: UploadProgress;
  readonly stats: UploadStats = {
    filesUploaded: 0,
    bytesUploaded: 0,
    chunkedFiles: 0,
    markFilesWritten: 0,
    markFilesWrittenDuringUpload: 0
  };
  private sessionSupport: 'unknown' | 'yes' | 'no' = 'unknown';
  private readonly openSessions = new Set<string>();
  private readonly failures: Error[] = [];
  private readonly completion: FolderCompletion;
  private readonly markWrites = new Set<Promise<void>>();
  /** Everything beneath the package root is complete; its mark file waits for writeRootMarkFile(). */
  private rootReady = false;

  constructor(
    private readonly client: ImageStoreClient,
    private readonly pkg: ScannedPackage,
    private readonly settings: UploadSettings
  ) {
    this.progress = new UploadProgress(pkg.files.length, pkg.totalBytes);
    this.completion = new FolderCompletion(pkg.folders, pkg.files.map(f => f.relativePath));
  }

  private get stopped(): boolean {
    return this.failures.length > 0 || this.settings.signal?.aborted === true;
  }

  private storePathOf(relativePath: string): string {
    return joinStorePath(this.settings.destination, relativePath);
  }

  /**
   * Uploads every package file, and the mark file of every folder that completes on the way;
   * throws UploadFailedError (or CancelledError) after deleting the sessions it opened.
   */
  async uploadFiles(): Promise<void> {
    this.completion.readyAtStart().forEach(f => this.startMarkFile(f));
    // Large files first, so that their many chunks overlap with the small files.
    const { chunkSize, concurrency } = this.settings;
    const ordered = [
      ...this.pkg.files.filter(f => f.size > chunkSize).sort((a, b) => b.size - a.size),
      ...this.pkg.files.filter(f => f.size <= chunkSize)
    ];
    await inParallel(
      ordered,
      concurrency,
      async file => {
        try {
          await this.uploadOne(file);
        } catch (err) {
          return this.fail(err);
        }
        this.stats.filesUploaded++;
        this.stats.bytesUploaded += file.size;
        this.progress.filesDone++;
        this.completion.fileCompleted(file.relativePath).forEach(f => this.startMarkFile(f));
      },
      () => this.stopped
    );
    this.stats.markFilesWrittenDuringUpload = this.stats.markFilesWritten;
    if (this.stopped) await this.settleMarkFiles();
    await this.throwIfStopped();
  }

  /**
   * Waits for the remaining mark files of the sub-folders, each written once everything beneath
   * it is complete. The package root's is withheld: the caller writes it with writeRootMarkFile()
   * only after verifying the store. Requires a completed uploadFiles().
   */
  async writeMarkFiles(): Promise<void> {
    await this.settleMarkFiles();
    await this.throwIfStopped();
    if (!this.rootReady) throw new Error('internal: the package root is not complete after every mark file was written');
  }

  /** Writes the package root's `_.dir`: the package is then complete for the cluster. */
  async writeRootMarkFile(): Promise<void> {
    if (!this.rootReady) throw new Error('internal: writeRootMarkFile() before the package root was complete');
    await this.writeMarkFile('');
  }

  private startMarkFile(folder: string): void {
    if (this.stopped) return;
    if (folder === '') {
      this.rootReady = true;
      return;
    }
    const write = this.writeMarkFile(folder).then(
      () => this.completion.markWritten(folder).forEach(f => this.startMarkFile(f)),
      err => this.fail(err)
    );
    this.markWrites.add(write);
    void write.finally(() => this.markWrites.delete(write));
  }

  private async settleMarkFiles(): Promise<void> {
    while (this.markWrites.size > 0) await Promise.allSettled([...this.markWrites]);
  }

  private async throwIfStopped(): Promise<void> {
    if (!this.stopped) return;
    await this.cancelOpenSessions();
    if (this.settings.signal?.aborted) throw new CancelledError('the upload was cancelled');
    throw new UploadFailedError(this.failures);
  }

  private fail(err: unknown): void {
    if (err instanceof StoppedError) return;
    if (err instanceof CancelledError && this.settings.signal?.aborted) return;
    this.failures.push(err instanceof Error ? err : new Error(String(err)));
  }

  private async writeMarkFile(folder: string): Promise<void> {
    await this.client.uploadFile(this.storePathOf(joinStorePath(folder, MARK_FILE_NAME)), Buffer.alloc(0));
    this.stats.markFilesWritten++;
  }

  private source(file: PackageFile, range: ByteRange): BodySource {
    return {
      name: file.localPath,
      length: range.end - range.start + 1,
      // A small file gets a buffer of its own size, not a megabyte.
      open: () =>
        createReadStream(file.localPath, {
          start: range.start,
          end: range.end,
          highWaterMark: Math.min(READ_BUFFER_BYTES, Math.max(16 * 1024, range.end - range.start + 1))
        })
    };
  }

  private async uploadOne(file: PackageFile): Promise<void> {
    if (file.size <= this.settings.chunkSize || this.sessionSupport === 'no') {
      return this.uploadWhole(file);
    }
    await this.uploadChunked(file);
  }

  private async uploadWhole(file: PackageFile): Promise<void> {
    const storePath = this.storePathOf(file.relativePath);
    if (file.size > MAX_SINGLE_PUT_BYTES) {
      throw new Error(
        `upload file '${storePath}' is not possible: the cluster has no upload sessions and a single PUT cannot carry 4 GiB or more (the file has ${file.size} bytes).`
      );
    }
    const body = file.size === 0 ? Buffer.alloc(0) : this.source(file, { start: 0, end: file.size - 1 });
    await this.client.uploadFile(storePath, body);
    this.progress.bytesDone += file.size;
  }

  private async uploadChunked(file: PackageFile): Promise<void> {
    const storePath = this.storePathOf(file.relativePath);
    const all: ByteRange = { start: 0, end: file.size - 1 };
    let recoveries = 0;
    const recover = (what: string) => {
      if (++recoveries > MAX_SESSION_RECOVERIES) {
        throw new Error(
          `upload file '${storePath}' failed: its upload session was lost or came back incomplete ${MAX_SESSION_RECOVERIES} times (the cluster's Image Store primary moved, or the session expired). Try again; if it keeps happening, check the cluster's health.`
        );
      }
      core.info(`The upload session of '${storePath}' ${what}.`);
    };
    for (;;) {
      const sessionId = randomUUID();
      this.openSessions.add(sessionId);
      let progressCounted = 0;
      const sendChunk = async (range: ByteRange) => {
        await this.sendChunk(file, storePath, sessionId, range);
        const n = range.end - range.start + 1;
        progressCounted += n;
        this.progress.bytesDone += n;
      };
      try {
        let todo = splitIntoChunks([all], this.settings.chunkSize);
        if (this.sessionSupport === 'unknown') {
          // The first chunk of the first session goes alone: a cluster without sessions refuses it.
          const [first, ...rest] = todo;
          try {
            await sendChunk(first);
          } catch (err) {
            if (err instanceof ImageStoreError && err.is(400, ErrorCode.InvalidArg)) {
              this.openSessions.delete(sessionId);
              this.useSinglePutsFromNowOn();
              return this.uploadWhole(file);
            }
            throw err;
          }
          this.sessionSupport = 'yes';
          todo = rest;
        }
        const priorVersion = this.settings.destinationEmpty ? undefined : await this.versionInStore(storePath);
        for (;;) {
          await inParallel(todo, this.settings.concurrency, sendChunk, () => this.stopped);
          if (this.stopped) throw new StoppedError();
          const outcome = await this.commit(sessionId, storePath, file.size, priorVersion);
          if (outcome.done) break;
          // The cluster still expects ranges (a session recreated after a failover): send those.
          const lostBytes = outcome.expected.reduce((n, r) => n + r.end - r.start + 1, 0);
          recover(`lost ${lostBytes} bytes on the cluster; sending them again`);
          progressCounted -= lostBytes;
          this.progress.bytesDone -= lostBytes;
          todo = splitIntoChunks(outcome.expected, this.settings.chunkSize);
        }
        this.openSessions.delete(sessionId);
        this.stats.chunkedFiles++;
        return;
      } catch (err) {
        if (!(err instanceof SessionLostError)) throw err;
        this.openSessions.delete(sessionId);
        this.progress.bytesDone -= progressCounted;
        recover('was lost on the cluster; starting that file again with a new session');
      }
    }
  }

  private useSinglePutsFromNowOn(): void {
    if (this.sessionSupport !== 'no') {
      this.sessionSupport = 'no';
      core.warning(
        'This cluster has no upload sessions (Linux clusters of runtime 6.4 and earlier answer 400 E_INVALIDARG): files larger than chunk-size are uploaded with a single PUT each, without resume.'
      );
    }
  }

  /**
   * Sends one chunk. A re-sent chunk whose first attempt arrived (only its answer was lost) is
   * refused with RANGE_NOT_SATISFIABLE: then the session says whether those bytes are still
   * expected.
   */
  private async sendChunk(file: PackageFile, storePath: string, sessionId: string, range: ByteRange): Promise<void> {
    try {
      await this.client.uploadChunk(storePath, sessionId, range, file.size, this.source(file, range));
    } catch (err) {
      if (!(err instanceof ImageStoreError && err.is(400, ErrorCode.RangeNotSatisfiable))) throw err;
      const session = await this.client.getUploadSession(sessionId, storePath);
      if (!session) throw new SessionLostError();
      const stillExpected = session.ExpectedRanges.some(r =>
        overlaps(range, { start: parseInt64(r.StartPosition, 'StartPosition'), end: parseInt64(r.EndPosition, 'EndPosition') })
      );
      if (stillExpected) throw err;
    }
  }

  private async versionInStore(storePath: string): Promise<string | undefined> {
    return (await this.client.getFileInfo(storePath))?.FileVersion?.VersionNumber;
  }

  /**
   * Commits a session. A 400 means one of: ranges still missing (the session was recreated after
   * a failover), the session is gone, or an earlier attempt succeeded and only its answer was
   * lost. The session and the store tell which.
   */
  private async commit(
    sessionId: string,
    storePath: string,
    size: number,
    priorVersion: string | undefined
  ): Promise<{ done: true } | { done: false; expected: ByteRange[] }> {
    try {
      await this.client.commitUploadSession(sessionId, storePath);
      return { done: true };
    } catch (err) {
      if (!(err instanceof ImageStoreError && err.is(400))) throw err;
      const session = await this.client.getUploadSession(sessionId, storePath);
      if (session) {
        const expected = session.ExpectedRanges.map(r => ({
          start: parseInt64(r.StartPosition, 'StartPosition'),
          end: parseInt64(r.EndPosition, 'EndPosition')
        }));
        if (expected.length === 0) throw err;
        return { done: false, expected };
      }
      const stored = await this.client.getFileInfo(storePath);
      const committed =
        stored !== undefined &&
        parseInt64(stored.FileSize, 'FileSize') === size &&
        (priorVersion === undefined || stored.FileVersion?.VersionNumber !== priorVersion);
      if (committed) return { done: true };
      throw new SessionLostError();
    }
  }

  /** Best effort: a failed or cancelled run leaves no session behind where the cluster still answers. */
  private async cancelOpenSessions(): Promise<void> {
    const ids = [...this.openSessions];
    this.openSessions.clear();
    if (ids.length === 0) return;
    const cleanup = this.client.forCleanup();
    await Promise.all(
      ids.map(id =>
        cleanup.deleteUploadSession(id).catch(err => core.warning(`Could not delete upload session ${id}: ${(err as Error).message}`))
      )
    );
    core.info(`Deleted ${ids.length} open upload session(s).`);
  }
}
