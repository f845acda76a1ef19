// The committed files of the emulated Image Store, kept as ordinary files under `<root>/content`.
// Staged bodies (plain PUTs in progress, upload sessions) live under `<root>/staging`, so that a
// half-received file never appears in the store.
//
// In case-insensitive mode (a Windows cluster) every store path is resolved, segment by segment,
// to the name its first write gave it, as NTFS keeps it: `app/A.TXT` finds `App/a.txt`.
import { randomUUID } from 'node:crypto';
import { promises as fs, readdirSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { MARK_FILE_NAME } from '../src/protocol/error-codes.js';
import { baseName, compareCodeUnits, parentStorePath, storePathSegments } from '../src/protocol/store-path.js';
import { FabricHttpError } from './fabric-http-error.js';
import { PathComparer } from './path-case.js';

export interface ContentStoreOptions {
  /** Compare paths case-insensitively and keep the case of a name's first write (a Windows cluster). */
  caseInsensitive?: boolean;
}

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
  /** How this store compares paths; the routes use it too, so every comparison agrees. */
  readonly comparer: PathComparer;
  /** VersionNumber of every file written since start (by path key); files found on disk report 1. */
  private readonly versions = new Map<string, number>();
  private nextVersion = 2;
  /** Keys of the folders whose `_.dir` exists. */
  private readonly markedFolders = new Set<string>();
  /** Case-insensitive mode: folder key → (folded name → stored name), read from disk once per folder. */
  private readonly storedNames = new Map<string, Map<string, string>>();

  constructor(root: string, options: ContentStoreOptions = {}) {
    this.contentDir = path.join(root, 'content');
    this.stagingDir = path.join(root, 'staging');
    this.comparer = new PathComparer(options.caseInsensitive === true);
  }

  async init(): Promise<void> {
    await fs.mkdir(this.contentDir, { recursive: true });
    for (const entry of await fs.readdir(this.contentDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && this.isMarkFile(entry.name)) {
        this.markedFolders.add(
          this.comparer.key(
            path
              .relative(this.contentDir, entry.parentPath ?? entry.path)
              .split(path.sep)
              .join('/')
          )
        );
      }
    }
    // Staged bodies of an earlier run belong to sessions that no longer exist.
    await fs.rm(this.stagingDir, { recursive: true, force: true });
    await fs.mkdir(this.stagingDir, { recursive: true });
  }

  /**
   * Disk path of a store path (resolved to the stored case in case-insensitive mode); `.` and `..`
   * segments are refused so nothing escapes the root.
   */
  diskPath(storePath: string): string {
    return path.join(this.contentDir, ...storePathSegments(this.canonical(storePath)));
  }

  /**
   * The path as the store holds it: in case-insensitive mode each existing segment takes the case
   * of its first write; segments that do not exist yet keep the case given. Refuses `.` and `..`.
   */
  canonical(storePath: string): string {
    const segments = storePathSegments(storePath);
    for (const s of segments) {
      if (s === '.' || s === '..' || s.includes('\0')) {
        throw FabricHttpError.invalidArg(`invalid path segment '${s}'`);
      }
    }
    if (!this.comparer.caseInsensitive) return segments.join('/');
    const resolved: string[] = [];
    for (const segment of segments) {
      const stored = this.namesOf(resolved)?.get(this.comparer.foldSegment(segment));
      if (stored === undefined) return [...resolved, ...segments.slice(resolved.length)].join('/');
      resolved.push(stored);
    }
    return resolved.join('/');
  }

  /** Whether the path names a mark file (`_.dir`, in any case on a case-insensitive store). */
  isMarkFile(storePath: string): boolean {
    return this.comparer.same(baseName(storePath), MARK_FILE_NAME);
  }

  /** Same path for this store (case-folded per segment in case-insensitive mode). */
  samePath(a: string, b: string): boolean {
    return this.comparer.same(a, b);
  }

  /** The bytes of a stored file (for the cluster manager reading package files). */
  async readFile(storePath: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.diskPath(storePath));
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') {
        throw FabricHttpError.fileNotFound(`'${storePath}' does not exist`);
      }
      throw err;
    }
  }

  /** The stored names of a folder (loaded once); undefined when it is not a folder on disk. */
  private namesOf(folderSegments: string[]): Map<string, string> | undefined {
    const key = this.comparer.key(folderSegments.join('/'));
    let names = this.storedNames.get(key);
    if (names) return names;
    try {
      const entries = readdirSync(path.join(this.contentDir, ...folderSegments));
      names = new Map(entries.map(name => [this.comparer.foldSegment(name), name]));
    } catch {
      return undefined;
    }
    this.storedNames.set(key, names);
    return names;
  }

  /**
   * Resolves a path about to be written and records its new segments at once, so that two writes
   * differing only in case that race each other create one name, not two.
   */
  private claim(storePath: string): string {
    const canonical = this.canonical(storePath);
    if (!this.comparer.caseInsensitive) return canonical;
    const segments = storePathSegments(canonical);
    for (const [i, segment] of segments.entries()) {
      const folder = segments.slice(0, i);
      let names = this.namesOf(folder);
      if (!names) {
        names = new Map();
        this.storedNames.set(this.comparer.key(folder.join('/')), names);
      }
      const fold = this.comparer.foldSegment(segment);
      if (!names.has(fold)) names.set(fold, segment);
    }
    return canonical;
  }

  private forgetNames(storePath: string): void {
    if (!this.comparer.caseInsensitive) return;
    const segments = storePathSegments(storePath);
    const last = segments.pop();
    if (last === undefined) return this.storedNames.clear();
    this.storedNames.get(this.comparer.key(segments.join('/')))?.delete(this.comparer.foldSegment(last));
    for (const key of [...this.storedNames.keys()]) {
      if (this.comparer.isSameOrBeneath(key, storePath)) this.storedNames.delete(key);
    }
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
    return this.versions.get(this.comparer.key(storePath)) ?? 1;
  }

  /** Moves a fully staged file into the store, creating or overwriting `storePath`. */
  async install(stagedFile: string, storePath: string): Promise<void> {
    storePath = this.claim(storePath);
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
    this.versions.set(this.comparer.key(storePath), this.nextVersion++);
    if (this.isMarkFile(storePath)) this.markedFolders.add(this.comparer.key(parentStorePath(storePath)));
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
        return FabricHttpError.invalidDirectory(`a parent of '${storePath}' is a file`);
      default:
        return err;
    }
  }

  async fileInfo(storePath: string): Promise<StoredFile | undefined> {
    const st = await this.stat(storePath);
    if (!st?.isFile()) return undefined;
    storePath = this.canonical(storePath);
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
    storePath = this.canonical(storePath);
    dirents.sort((a, b) => compareCodeUnits(a.name, b.name));
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

  /** Every folder beneath `storePath` (not itself), depth first by name: the same order on every file system. */
  async subFolders(storePath: string): Promise<string[]> {
    const found: string[] = [];
    let dirents;
    try {
      dirents = await fs.readdir(this.diskPath(storePath), { withFileTypes: true });
    } catch {
      return found;
    }
    storePath = this.canonical(storePath);
    dirents.sort((a, b) => compareCodeUnits(a.name, b.name));
    for (const d of dirents) {
      if (!d.isDirectory()) continue;
      const child = storePath === '' ? d.name : `${storePath}/${d.name}`;
      found.push(child, ...(await this.subFolders(child)));
    }
    return found;
  }

  /** Whether the folder holds its mark file (kept in memory, so that a write costs no extra stat). */
  hasMarkFile(folder: string): boolean {
    return this.markedFolders.has(this.comparer.key(folder));
  }

  async delete(storePath: string): Promise<void> {
    await fs.rm(this.diskPath(storePath), { recursive: true, force: true });
    for (const folder of this.markedFolders) {
      if (this.comparer.isSameOrBeneath(folder, storePath)) this.markedFolders.delete(folder);
    }
    if (this.isMarkFile(storePath)) this.markedFolders.delete(this.comparer.key(parentStorePath(storePath)));
    for (const key of this.versions.keys()) {
      if (this.comparer.isSameOrBeneath(key, storePath)) this.versions.delete(key);
    }
    this.forgetNames(storePath);
  }

  /**
   * Copies within the store as the runtime does: the destination is deleted first, files are
   * copied (names in `skipFiles` left out, at any depth, case-insensitively), and for a folder
   * the destination's mark file is written last.
   */
  async copy(source: string, destination: string, skipFiles: string[]): Promise<void> {
    const skip = new Set(skipFiles.map(s => s.toLowerCase()));
    const st = await this.stat(source);
    if (!st) throw FabricHttpError.fileNotFound(`'${source}' does not exist`);
    source = this.canonical(source);
    if (st.isFile()) {
      await this.copyFile(source, destination);
      return;
    }
    if (!this.hasMarkFile(source)) {
      throw FabricHttpError.fileNotFound(`'${source}/${MARK_FILE_NAME}' does not exist`);
    }
    await this.delete(destination);
    await this.copyFolderContent(source, destination, skip);
    await this.copyFile(`${source}/${MARK_FILE_NAME}`, `${destination}/${MARK_FILE_NAME}`);
  }

  private async copyFolderContent(source: string, destination: string, skip: Set<string>): Promise<void> {
    await fs.mkdir(this.diskPath(this.claim(destination)), { recursive: true });
    const listing = await this.listFolder(source);
    for (const file of listing?.files ?? []) {
      const name = baseName(file.path);
      if (skip.has(name.toLowerCase())) continue;
      if (this.isMarkFile(name) && source !== '' && destination !== '') {
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
