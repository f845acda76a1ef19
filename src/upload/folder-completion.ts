// Decides when a folder's mark file may be written: only after every file and every sub-folder
// beneath it is complete (protocol reference §5). Deepest folders come first and the package
// root last, because a folder counts as complete only once its sub-folders' mark files are written.

function parentOf(folder: string): string {
  const i = folder.lastIndexOf('/');
  return i < 0 ? '' : folder.slice(0, i);
}

export class FolderCompletion {
  /** What each folder still waits for: its direct files and its direct sub-folders' mark files. */
  private readonly waitingFor = new Map<string, number>();

  /**
   * @param folders every folder of the package relative to its root, '' for the root
   * @param files the package files relative to the root, `/` separators
   */
  constructor(folders: Iterable<string>, files: Iterable<string>) {
    for (const folder of folders) this.waitingFor.set(folder, this.waitingFor.get(folder) ?? 0);
    if (!this.waitingFor.has('')) this.waitingFor.set('', 0);
    for (const folder of [...this.waitingFor.keys()]) {
      if (folder !== '') this.add(parentOf(folder));
    }
    for (const file of files) this.add(parentOf(file));
  }

  private add(folder: string): void {
    const count = this.waitingFor.get(folder);
    if (count === undefined) throw new Error(`folder '${folder}' is not part of the package`);
    this.waitingFor.set(folder, count + 1);
  }

  /** Folders that hold nothing still to upload (empty folders): their mark files can go first. */
  readyAtStart(): string[] {
    return [...this.waitingFor.entries()].filter(([, n]) => n === 0).map(([f]) => f);
  }

  /** Records a completed file; returns its folder if that folder is now ready for its mark file. */
  fileCompleted(file: string): string[] {
    return this.complete(parentOf(file));
  }

  /** Records a written mark file; returns the parent folder if it is now ready. */
  markWritten(folder: string): string[] {
    return folder === '' ? [] : this.complete(parentOf(folder));
  }

  private complete(folder: string): string[] {
    const left = (this.waitingFor.get(folder) ?? 0) - 1;
    if (left < 0) throw new Error(`folder '${folder}' completed more often than it has content`);
    this.waitingFor.set(folder, left);
    return left === 0 ? [folder] : [];
  }

  get folderCount(): number {
    return this.waitingFor.size;
  }
}
