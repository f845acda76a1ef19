// The committed files of the emulated Image Store, kept as ordinary files under `<root>/content`.
// Staged bodies (plain PUTs in progress, upload sessions) live under `<root>/staging`, so that a
// half-received file never appears in the store.
import { randomUUID } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, MARK_FILE_NAME } from '../src/protocol/error-codes.js';
import { baseName, isSameOrBeneath, normalizeStorePath, parentStorePath, storePathSegments } from '../src/protocol/store-path.js';
import { FabricHttpError } from './fabric-http-error.js';

export interface StoredFile {
  path: string;
  size: number;
  modified: Date;
  version: number;
}

export interface StoredFolder {
  path: string;
  fileCount: number;
}

export class ContentStore {
  readonly contentDir: string;
  readonly stagingDir: string;
  /** VersionNumber of every file written since start; files found on disk report 1. */
  private readonly versions = new Map<string, number>();
  private nextVersion = 2;
  /** Folders whose `_.dir` exists. */
  private readonly markedFolders = new Set<string>();

  constructor(root: string) {
    this.contentDir = path.join(root, 'content');
    this.stagingDir = path.join(root, 'staging');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.contentDir, { recursive: true });
    for (const entry of await fs.readdir(this.contentDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name === MARK_FILE_NAME) {
        this.markedFolders.add(normalizeStorePath(path.relative(this.contentDir, entry.parentPath ?? entry.path).split(path.sep).join('/')));
      }
    }
    // Staged bodies of an earlier run belong to sessions that no longer exist.
    await fs.rm(this.stagingDir, { recursive: true, force: true });
    await fs.mkdir(this.stagingDir, { recursive: true });
  }

  /** Disk path of a store path; `.` and `..` segments are refused so nothing escapes the root. */
  diskPath(storePath: string): string {
    const segments = storePathSegments(storePath);
    for (const s of segments) {
      if (s === '.' || s === '..' || s.includes('\0')) {
        throw FabricHttpError.invalidArg(`invalid path segment '${s}'`);
      }
    }
    return path.join(this.contentDir, ...segments);
  }

  newStagingFile(prefix: string): string {
    return path.join(this.stagingDir, `${prefix}-${randomUUID()}`);
  }

  async stat(storePath: string): Promise<Stats | undefined> {
    try {
      return await fs.stat(this.diskPath(storePath));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  versionOf(storePath: string): number {
    return this.versions.get(storePath) ?? 1;
  }

  /** Moves a fully staged file into the store, creating or overwriting `storePath`. */
  async install(stagedFile: string, storePath: string): Promise<void> {
    const target = this.diskPath(storePath);
    // Optimistic: the parent usually exists; the errors say when it does not, or when the target
    // or a parent is of the wrong kind.
    try {
      await fs.rename(stagedFile, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        await this.makeParent(target, storePath);
        await this.renameOrExplain(stagedFile, target, storePath);
      } else {
        throw this.explain(err, storePath);
      }
    }
    this.versions.set(storePath, this.nextVersion++);
    if (baseName(storePath) === MARK_FILE_NAME) this.markedFolders.add(parentStorePath(storePath));
  }

  private async makeParent(target: string, storePath: string): Promise<void> {
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
    } catch (err) {
      throw this.explain(err, storePath);
    }
  }

  private async renameOrExplain(stagedFile: string, target: string, storePath: string): Promise<void> {
    try {
      await fs.rename(stagedFile, target);
    } catch (err) {
      throw this.explain(err, storePath);
    }
  }

  private explain(err: unknown, storePath: string): unknown {
    switch ((err as NodeJS.ErrnoException).code) {
      case 'EISDIR':
      case 'ENOTEMPTY':
        // [undoc] The runtime's answer to a file written over a folder is not documented.
        return FabricHttpError.invalidArg(`'${storePath}' is a folder`);
      case 'ENOTDIR':
      case 'EEXIST':
        return new FabricHttpError(400, ErrorCode.InvalidDirectory, `a parent of '${storePath}' is a file`);
      default:
        return err;
    }
  }

  async fileInfo(storePath: string): Promise<StoredFile | undefined> {
    const st = await this.stat(storePath);
    if (!st?.isFile()) return undefined;
    return { path: storePath, size: st.size, modified: st.mtime, version: this.versionOf(storePath) };
  }

  /** One level of a folder, sorted by name; undefined when the folder does not exist. */
  async listFolder(storePath: string): Promise<{ files: StoredFile[]; folders: StoredFolder[] } | undefined> {
    let dirents;
    try {
      dirents = await fs.readdir(this.diskPath(storePath), { withFileTypes: true });
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files: StoredFile[] = [];
    const folders: StoredFolder[] = [];
    for (const d of dirents) {
      const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
      if (d.isDirectory()) {
        folders.push({ path: child, fileCount: await this.countFiles(child) });
      } else if (d.isFile()) {
        const info = await this.fileInfo(child);
        if (info) files.push(info);
      }
    }
    return { files, folders };
  }

  /** Files beneath a folder, at any depth (names only: no stat per file). */
  async countFiles(storePath: string): Promise<number> {
    const entries = await fs.readdir(this.diskPath(storePath), { recursive: true, withFileTypes: true });
    return entries.filter(e => e.isFile()).length;
  }

  /** Recursive totals of a folder (or of one file). */
  async walk(storePath: string): Promise<{ fileCount: number; bytes: number }> {
    const st = await this.stat(storePath);
    if (!st) return { fileCount: 0, bytes: 0 };
    if (st.isFile()) return { fileCount: 1, bytes: st.size };
    let fileCount = 0;
    let bytes = 0;
    for (const d of await fs.readdir(this.diskPath(storePath), { withFileTypes: true })) {
      const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
      const sub = await this.walk(child);
      fileCount += sub.fileCount;
      bytes += sub.bytes;
    }
    return { fileCount, bytes };
  }

  /** Every folder beneath `storePath` (not itself). */
  async subFolders(storePath: string): Promise<string[]> {
    const found: string[] = [];
    let dirents;
    try {
      dirents = await fs.readdir(this.diskPath(storePath), { withFileTypes: true });
    } catch {
      return found;
    }
    for (const d of dirents) {
      if (!d.isDirectory()) continue;
      const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
      found.push(child, ...(await this.subFolders(child)));
    }
    return found;
  }

  /** Whether the folder holds its mark file (kept in memory, so that a write costs no extra stat). */
  hasMarkFile(folder: string): boolean {
    return this.markedFolders.has(folder);
  }

  async delete(storePath: string): Promise<void> {
    await fs.rm(this.diskPath(storePath), { recursive: true, force: true });
    for (const folder of this.markedFolders) {
      if (isSameOrBeneath(folder, storePath)) this.markedFolders.delete(folder);
    }
    if (baseName(storePath) === MARK_FILE_NAME) this.markedFolders.delete(parentStorePath(storePath));
    for (const key of this.versions.keys()) {
      if (isSameOrBeneath(key, storePath)) this.versions.delete(key);
    }
  }

  /**
   * Copies within the store as the runtime does: the destination is deleted first, files are
   * copied (names in `skipFiles` left out, at any depth, case-insensitively), and for a folder
   * the destination's mark file is written last.
   */
  async copy(source: string, destination: string, skipFiles: string[]): Promise<void> {
    const skip = new Set(skipFiles.map(s => s.toLowerCase()));
    const st = await this.stat(source);
    if (!st) throw new FabricHttpError(404, ErrorCode.FileNotFound, `'${source}' does not exist`);
    if (st.isFile()) {
      await this.copyFile(source, destination);
      return;
    }
    if (!this.hasMarkFile(source)) {
      throw new FabricHttpError(404, ErrorCode.FileNotFound, `'${source}/${MARK_FILE_NAME}' does not exist`);
    }
    await this.delete(destination);
    await this.copyFolderContent(source, destination, skip);
    await this.copyFile(`${source}/${MARK_FILE_NAME}`, `${destination}/${MARK_FILE_NAME}`);
  }

  private async copyFolderContent(source: string, destination: string, skip: Set<string>): Promise<void> {
    await fs.mkdir(this.diskPath(destination), { recursive: true });
    const listing = await this.listFolder(source);
    for (const file of listing?.files ?? []) {
      const name = baseName(file.path);
      if (skip.has(name.toLowerCase())) continue;
      if (name === MARK_FILE_NAME && source !== '' && destination !== '') {
        // The mark file of this folder is copied after its content (below, or by copy()).
        continue;
      }
      await this.copyFile(file.path, `${destination}/${name}`);
    }
    for (const folder of listing?.folders ?? []) {
      const name = baseName(folder.path);
      await this.copyFolderContent(folder.path, `${destination}/${name}`, skip);
      if (this.hasMarkFile(folder.path)) {
        await this.copyFile(`${folder.path}/${MARK_FILE_NAME}`, `${destination}/${name}/${MARK_FILE_NAME}`);
      }
    }
  }

  private async copyFile(source: string, destination: string): Promise<void> {
    const staged = this.newStagingFile('copy');
    await fs.copyFile(this.diskPath(source), staged);
    await this.install(staged, destination);
  }
}

export function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
