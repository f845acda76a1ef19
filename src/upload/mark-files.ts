// Writes each folder's mark file (`_.dir`) as soon as everything beneath it is complete, on the
// side of the file uploads. The package root's is withheld until writeRoot(): the package is then
// complete for the cluster, so the caller verifies the store first.
import { type Reporter, SILENT_REPORTER } from '../util/reporter.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { joinStorePath } from '../protocol/store-path.js';
import { InFlight } from '../util/in-flight.js';
import { FolderCompletion } from './folder-completion.js';

export class MarkFileWriter {
  readonly completion: FolderCompletion;
  written = 0;
  /** Everything beneath the package root is complete; its mark file waits for writeRoot(). */
  rootReady = false;
  private readonly writes = new InFlight();

  constructor(
    private readonly client: ImageStoreClient,
    private readonly destination: string,
    folders: Iterable<string>,
    files: Iterable<string>,
    /** True once the run must start nothing new. */
    private readonly stopped: () => boolean,
    /** Given a failed write and the package path of its mark file. */
    private readonly onError: (err: unknown, markFile: string) => void,
    /** Called once a sub-folder's mark file is written: nothing more is written beneath it. */
    private readonly onMarkWritten: (folder: string) => void = () => undefined,
    private readonly reporter: Reporter = SILENT_REPORTER
  ) {
    this.completion = new FolderCompletion(folders, files);
  }

  /** Writes the marks of the folders that hold nothing to upload (empty folders). */
  start(): void {
    this.completion.readyAtStart().forEach(f => this.folderReady(f));
  }

  /** Records an uploaded file; writes its folder's mark if the folder is now complete. */
  fileUploaded(relativePath: string): void {
    this.completion.fileCompleted(relativePath).forEach(f => this.folderReady(f));
  }

  /** Waits for every mark file started so far, and those they start in turn. */
  settle(): Promise<void> {
    return this.writes.drain();
  }

  async writeRoot(): Promise<void> {
    if (!this.rootReady) throw new Error('internal: writeRootMarkFile() before the package root was complete');
    await this.write('');
  }

  private folderReady(folder: string): void {
    if (this.stopped()) return;
    if (folder === '') {
      this.rootReady = true;
      this.reporter.debug('every sub-folder of the package is complete; the root mark file waits');
      return;
    }
    this.writes.add(
      this.write(folder).then(() => {
        this.onMarkWritten(folder);
        this.completion.markWritten(folder).forEach(f => this.folderReady(f));
      }),
      err => this.onError(err, joinStorePath(folder, MARK_FILE_NAME))
    );
  }

  private async write(folder: string): Promise<void> {
    await this.client.uploadFile(joinStorePath(this.destination, joinStorePath(folder, MARK_FILE_NAME)), Buffer.alloc(0));
    this.written++;
  }
}
