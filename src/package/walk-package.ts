// Lists every file and folder of the package for the default include ('**') by walking the
// package folder with the file-system calls side by side. It gives what @actions/glob gives with
// followSymbolicLinks, matchDirectories and omitBrokenSymbolicLinks: false, followed by
// package-scan's inspect() of each path (see node_modules/@actions/glob/lib/internal-globber.js),
// without glob's one-await-per-path traversal: one readdir per folder, one stat and one access per
// file, and realpath only for symbolic links.
import * as fs from 'node:fs';
import { constants, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import { type Reporter, SILENT_REPORTER } from '../util/reporter.js';
import { CANONICAL_NAMES, SettingError as InputError, type SettingNames } from '../util/settings.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import type { PackageFile } from './package-scan.js';

/** The package's files and folders, before the checks and the sorting of scanPackage(). */
export interface PackageListing {
  /** In no particular order; `_.dir` files are left out (counted in ignoredMarkFiles). */
  files: PackageFile[];
  /** Every folder relative to the root with `/`, every ancestor of a file among them; the root is ''. */
  folders: Set<string>;
  ignoredMarkFiles: number;
}

/** @actions/glob's error for a path that `stat` cannot find (describeScanError reads its path). */
export class BrokenLinkError extends Error {
  constructor(readonly linkPath: string) {
    super(`No information found for the path '${linkPath}'. This may indicate a broken symbolic link.`);
  }
}

/**
 * A file found in the package folder. Its local path is derived from the root when asked for
 * rather than kept: one string less per file (50,000 files hold about 4 MiB less for the whole run,
 * which the garbage collector's limit multiplies).
 */
export class FoundFile implements PackageFile {
  constructor(
    private readonly root: string,
    readonly relativePath: string,
    public size: number
  ) {}

  get localPath(): string {
    return path.join(this.root, this.relativePath);
  }
}

/** True when `real` (a realpath) is the package's real root or beneath it. */
export function isInsidePackage(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot + path.sep);
}

export function linkOutsideError(relativePath: string, real: string, names: SettingNames = CANONICAL_NAMES): InputError {
  return new InputError(`'${relativePath}' in '${names.PackagePath}' is a link to '${real}', outside the package: copy the file into the package instead.`);
}

export function unreadableFileError(relativePath: string, names: SettingNames = CANONICAL_NAMES): InputError {
  return new InputError(`'${relativePath}' in '${names.PackagePath}' cannot be read: check its permissions.`);
}

/**
 * The walk's order, as a key compared by UTF-16 code units: depth first, each folder's entries by
 * name, so a folder comes before what it holds (the separator becomes U+0000, below every
 * character a name can hold). Both ways of listing report the first failure in this order, not in
 * readdir's, which differs between file systems and between two checkouts of one repository (ext4
 * orders a folder by a hash seeded per file system).
 */
export function depthFirstKey(relativePath: string, separator = '/'): string {
  return relativePath.split(separator).join('\u0000');
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Entries inspected at once, each with its file-system calls one after another: the calls in flight. */
const WALK_PARALLELISM = 64;

type Callback<T> = (err: NodeJS.ErrnoException | null, value: T) => void;

/**
 * A node:fs call with the callback API, as a promise. The callback functions, not fs.promises: on
 * Node 20 a call costs well under half as much (1,201 stat+access, 64 at once: about 20 ms against 50 ms).
 */
function call<T>(start: (callback: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * Runs `tasks`, which may push more tasks, at most `workers` at once, until none is left. Only the
 * running tasks are promises: a folder of 50,000 entries is 50,000 queued closures, not 50,000
 * pending inspections each holding its frames (about 2 KiB apiece, and garbage that set the
 * heap's limit for the rest of the run).
 */
function runTasks(tasks: (() => Promise<void>)[], workers: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    const next = (): void => {
      if (running === 0 && tasks.length === 0) return resolve();
      while (running < workers && tasks.length > 0) {
        const task = tasks.pop()!;
        running++;
        task().then(() => {
          running--;
          next();
        }, reject);
      }
    };
    next();
  });
}

/**
 * An error found while walking, and when @actions/glob's path would raise it: 'traversal' errors
 * (a `stat`, `realpath` or `readdir` that fails) during glob's walk, so the first in the walk's
 * order wins; 'inspection' errors (a link outside the package, an unreadable file) only after it.
 */
type Failure = { when: 'traversal' | 'inspection'; error: unknown };

/** One entry of a folder, in the walk's order (depthFirstKey). */
type Node =
  { kind: 'file'; file: PackageFile } | { kind: 'folder'; relativePath: string; children: Node[] } | { kind: 'skipped' } | { kind: 'failed'; failure: Failure };

interface Folder {
  localPath: string;
  relativePath: string;
  /** Its realpath: the root's, joined with the names below it, or a link's own realpath. */
  real: string;
  /** The realpaths from the root down to this folder, for glob's cycle check. */
  chain: string[];
}

/**
 * Walks `root` (whose realpath is `realRoot`) following symbolic links, as scanPackage's glob path
 * lists it with the include '**': the same files, folders and `_.dir` count, and the same error
 * when there is one (raw file-system errors and BrokenLinkError, for describeScanError, or the
 * InputErrors of a link outside the package and an unreadable file; when several paths fail, the
 * first in depthFirstKey's order, where glob's path reports its first traversal error in
 * readdir order). A link to a folder whose
 * realpath is already on the way down from the root (a cycle) is skipped, as glob skips it.
 */
export async function walkPackage(
  root: string,
  realRoot: string,
  { names = CANONICAL_NAMES, reporter = SILENT_REPORTER }: { names?: SettingNames; reporter?: Reporter } = {}
): Promise<PackageListing> {
  // Last in, first out: the walk goes depth first, so the queue holds the entries left in the
  // folders on the way down, not a whole level of the tree.
  const tasks: (() => Promise<void>)[] = [];
  const walkFolder = (folder: Folder, place: (node: Node) => void): void => {
    tasks.push(async () => {
      let entries: Dirent[];
      try {
        entries = await call<Dirent[]>(cb => fs.readdir(folder.localPath, { withFileTypes: true }, cb));
      } catch (error) {
        return place({ kind: 'failed', failure: { when: 'traversal', error } });
      }
      entries.sort(byName);
      const children = new Array<Node>(entries.length);
      place({ kind: 'folder', relativePath: folder.relativePath, children });
      entries.forEach((entry, i) =>
        tasks.push(async () => {
          const node = await visit(folder, entry);
          if ('chain' in node) walkFolder(node, sub => (children[i] = sub));
          else children[i] = node;
        })
      );
    });
  };

  /** What one entry of `parent` is: a file, a sub-folder to walk (a Folder), or why it is left out. */
  const visit = async (parent: Folder, entry: Dirent): Promise<Node | Folder> => {
    const localPath = path.join(parent.localPath, entry.name);
    const relativePath = parent.relativePath === '' ? entry.name : `${parent.relativePath}/${entry.name}`;
    const failed = (when: Failure['when'], error: unknown): Node => ({ kind: 'failed', failure: { when, error } });
    const traversalError = (error: unknown): Node =>
      failed('traversal', (error as NodeJS.ErrnoException).code === 'ENOENT' ? new BrokenLinkError(localPath) : error);
    const subfolder = (real: string): Folder => ({ localPath, relativePath, real, chain: [...parent.chain, real] });
    const readableFile = async (size: number): Promise<Node> => {
      try {
        await call<void>(cb => fs.access(localPath, constants.R_OK, err => cb(err, undefined)));
      } catch {
        return failed('inspection', unreadableFileError(relativePath, names));
      }
      return { kind: 'file', file: new FoundFile(root, relativePath, size) };
    };

    let isLink = entry.isSymbolicLink();
    let isFolder = entry.isDirectory();
    let isFile = entry.isFile();
    if (!isLink && !isFolder && !isFile && !entry.isFIFO() && !entry.isSocket() && !entry.isBlockDevice() && !entry.isCharacterDevice()) {
      // The file system did not say what it is (DT_UNKNOWN): ask it.
      try {
        const info = await call<Stats>(cb => fs.lstat(localPath, cb));
        [isLink, isFolder, isFile] = [info.isSymbolicLink(), info.isDirectory(), info.isFile()];
      } catch (error) {
        return traversalError(error);
      }
    }
    if (!isLink && !isFolder && !isFile) return { kind: 'skipped' }; // a socket, a fifo, a device
    if (!isLink && isFolder) return subfolder(path.join(parent.real, entry.name));

    // A file, or a symbolic link: glob stats it, following links (a broken link fails here).
    let info: Stats;
    try {
      info = await call<Stats>(cb => fs.stat(localPath, cb));
    } catch (error) {
      return traversalError(error);
    }
    if (!isLink) {
      if (info.isFile()) return readableFile(info.size);
      // It changed since readdir listed it: go by what stat says.
      return info.isDirectory() ? subfolder(path.join(parent.real, entry.name)) : { kind: 'skipped' };
    }

    // A link: glob takes the realpath of a folder for its cycle check, and inspect() refuses
    // a realpath outside the package.
    let real: string;
    try {
      real = await call<string>(cb => fs.realpath.native(localPath, cb));
    } catch (error) {
      return failed(info.isDirectory() ? 'traversal' : 'inspection', error);
    }
    if (info.isDirectory() && parent.chain.includes(real)) {
      reporter.debug(`Symlink cycle detected for path '${localPath}' and realpath '${real}'`);
      return { kind: 'skipped' };
    }
    if (!isInsidePackage(real, realRoot)) return failed('inspection', linkOutsideError(relativePath, real, names));
    if (info.isDirectory()) return subfolder(real);
    return info.isFile() ? readableFile(info.size) : { kind: 'skipped' };
  };

  const walked: { top?: Node } = {};
  walkFolder({ localPath: root, relativePath: '', real: realRoot, chain: [realRoot] }, node => (walked.top = node));
  await runTasks(tasks, WALK_PARALLELISM);
  const top = walked.top;
  if (top === undefined) throw new Error('internal: the walk of the package folder ended without its root');

  // The first traversal error in the walk's order (depth first, by name) is the one thrown (glob
  // throws the first it meets, in readdir order); failing that, the first inspection error.
  const listing: PackageListing = { files: [], folders: new Set(), ignoredMarkFiles: 0 };
  let firstInspectionError: { error: unknown } | undefined;
  const pending: Node[] = [top];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    switch (node.kind) {
      case 'failed':
        if (node.failure.when === 'traversal') throw node.failure.error;
        firstInspectionError ??= { error: node.failure.error };
        break;
      case 'folder':
        listing.folders.add(node.relativePath);
        for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i] as Node);
        break;
      case 'file':
        if (path.posix.basename(node.file.relativePath) === MARK_FILE_NAME) listing.ignoredMarkFiles++;
        else listing.files.push(node.file);
        break;
      case 'skipped':
        break;
    }
  }
  if (firstInspectionError) throw firstInspectionError.error;
  return listing;
}
