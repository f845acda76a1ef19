// The check after the upload (and after the copy) that the store holds the package: a recursive
// listing compared with the scanned package, the way the cluster compares names. It also finds
// what the destination holds that the package lacks (left over by merge or skip).
import { InFlight } from '../util/in-flight.js';
import { Semaphore } from '../util/concurrency.js';
import type { ScannedPackage } from '../package/package-scan.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { type FileInfo, parseInt64 } from '../protocol/models.js';
import { describeStamp, type FileStamp, isWrittenAfter, stampOf } from '../protocol/file-stamp.js';
import { foldName, joinStorePath, storePathKey, storePathSegments } from '../protocol/store-path.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import { ListedFiles } from './listed-files.js';
import { StoreTree } from './store-tree.js';

export { StoreTree } from './store-tree.js';

/** A listing the action cannot read: the step fails with this message. */
export class MalformedListingError extends Error {
  override name = 'MalformedListingError';
}

/** One folder's listing: its files (with sizes and stamps) and sub-folders, relative to the tree's root. */
interface FolderListing {
  files: ListedFiles;
  folders: string[];
  /** The cluster answered with `\` separators. */
  backslashes: boolean;
}

/** Lists one level of `folder` (relative to `root`); throws MalformedListingError on an answer that is not an Image Store listing. */
async function listFolder(client: ImageStoreClient, root: string, folder: string): Promise<FolderListing> {
  const where = joinStorePath(root, folder);
  const listing: FolderListing = { files: new ListedFiles(), folders: [], backslashes: false };
  const rootSegments = storePathSegments(root);
  const relative = (storeRelativePath: unknown): string => {
    if (typeof storeRelativePath !== 'string') {
      throw new MalformedListingError(`The listing of '${where}' has an entry without a StoreRelativePath: the endpoint does not answer like an Image Store.`);
    }
    if (storeRelativePath.includes('\\')) listing.backslashes = true;
    return beneath(storePathSegments(storeRelativePath), rootSegments);
  };
  const content = await client.list(where);
  const files: unknown = content?.files ?? [];
  const folders: unknown = content?.folders ?? [];
  if (!Array.isArray(files) || !Array.isArray(folders)) {
    throw new MalformedListingError(`The listing of '${where}' is not an Image Store listing (StoreFiles and StoreFolders must be arrays).`);
  }
  for (const f of files as (Partial<FileInfo> & { StoreRelativePath?: unknown; FileSize?: unknown })[]) {
    const at = relative(f?.StoreRelativePath);
    let size: number;
    try {
      size = parseInt64(f.FileSize, 'FileSize');
    } catch (err) {
      throw new MalformedListingError(`The listing of '${where}' gives '${at}' an unreadable size: ${(err as Error).message}.`);
    }
    listing.files.add(at, size, stampOf(f));
  }
  for (const f of folders as { StoreRelativePath?: unknown }[]) listing.folders.push(relative(f?.StoreRelativePath));
  return listing;
}

/**
 * The path of `segments` beneath `root`'s, `/`-joined; all of it when it is not beneath. Windows
 * clusters answer in their own case: segments compare as they do, whatever it is.
 */
function beneath(segments: string[], root: string[]): string {
  const within = root.every((name, i) => {
    const own = segments[i];
    return own !== undefined && (own === name || foldName(own) === foldName(name));
  });
  return (within ? segments.slice(root.length) : segments).join('/');
}

/**
 * The listings of a destination's folders, each taken as soon as nothing more will be written
 * beneath it, put together into a StoreTree. During an upload, each sub-folder is listed right after
 * its mark file is written (everything beneath it is complete then), so that the verification after
 * the upload has only the root left to list: one round trip instead of one per level of the deepest
 * path. A listing that failed, and any folder not listed yet (the root, folders the package lacks),
 * is listed by tree().
 */
export class FolderListings {
  private readonly taken = new Map<string, FolderListing>();
  private readonly early = new InFlight();

  constructor(
    private readonly client: ImageStoreClient,
    private readonly root: string
  ) {}

  /** Lists `folder` now, on the side: nothing more is written beneath it. */
  folderComplete(folder: string): void {
    // A failure is not an error here: tree() lists the folder again and reports what it gets then.
    this.early.add(
      listFolder(this.client, this.root, folder).then(listing => void this.taken.set(folder, listing)),
      () => undefined
    );
  }

  /**
   * The whole tree: the listings taken, and the folders not listed yet, each listed as soon as its
   * parent is (about one round trip per level of what is left).
   */
  async tree(concurrency: number): Promise<StoreTree> {
    // The root is never listed on the way (its mark file is withheld): its listing goes beside the
    // sub-folders' listings still under way, a round trip less after the last mark file.
    const rootListing = listFolder(this.client, this.root, '');
    rootListing.catch(() => undefined); // awaited below, unless the root was listed on the way
    await this.early.drain();
    const tree = new StoreTree();
    const listings = new InFlight();
    const limiter = new Semaphore(concurrency);
    const add = (listing: FolderListing): void => {
      if (listing.backslashes) tree.comparison = { caseInsensitive: true };
      tree.addFiles(listing.files);
      for (const sub of listing.folders) {
        tree.folders.push(sub);
        if (!listings.failed) visit(sub);
      }
    };
    const visit = (folder: string): void => {
      const taken = this.taken.get(folder);
      if (taken) return add(taken);
      listings.add((folder === '' ? rootListing : limiter.use(() => listFolder(this.client, this.root, folder))).then(add));
    };
    visit('');
    await listings.drain();
    return tree;
  }
}

/**
 * Lists a folder recursively (one request per folder and page). A folder's sub-folders are listed
 * as soon as it is, so the listing takes about one round trip per level of the deepest path.
 */
export async function listTree(client: ImageStoreClient, root: string, concurrency: number): Promise<StoreTree> {
  return new FolderListings(client, root).tree(concurrency);
}

export interface VerifyOptions {
  /** The package root's `_.dir` is not expected yet (verification before it is written). */
  withoutRootMark?: boolean;
  /**
   * Every file and mark file of the package must show a write after this one (this run's lease
   * marker, written before anything else): a write the store answered but did not keep leaves the
   * old file, whatever its size.
   */
  writtenAfter?: FileStamp;
}

/** Compares the store with the package: every file with its size, every mark file. */
export function findDifferences(tree: StoreTree, pkg: ScannedPackage, options: VerifyOptions = {}): string[] {
  const problems: string[] = [];
  const notWrittenNow = (rel: string, stamp: FileStamp | undefined) => {
    const floor = options.writtenAfter;
    if (floor === undefined || stamp === undefined || isWrittenAfter(stamp, floor) !== false) return;
    problems.push(
      `'${rel}' is not the file this run wrote (the store lists ${describeStamp(stamp)}, older than this run's first write, ${describeStamp(floor)}): the store answered the write but kept the file that was there`
    );
  };
  for (const file of pkg.files) {
    const found = tree.find(file.relativePath);
    const size = found === undefined ? undefined : tree.sizeOf(found);
    if (found === undefined || size === undefined) problems.push(`'${file.relativePath}' is missing`);
    else if (size !== file.size) problems.push(`'${file.relativePath}' has ${size} bytes instead of ${file.size}`);
    else notWrittenNow(file.relativePath, tree.stampOf(found));
  }
  for (const folder of pkg.folders) {
    if (folder === '' && options.withoutRootMark) continue;
    const mark = joinStorePath(folder, MARK_FILE_NAME);
    const found = tree.find(mark);
    if (found === undefined) problems.push(`'${mark}' is missing`);
    else notWrittenNow(mark, tree.stampOf(found));
  }
  return problems;
}

/**
 * What the store holds beneath the destination that the package lacks: folders (with a trailing
 * `/`, counted once whatever they hold) and files outside them. Mark files are the action's own.
 */
export function findStale(tree: StoreTree, pkg: ScannedPackage): string[] {
  const key = (p: string) => storePathKey(p, tree.comparison);
  // The package's files as the verification finds them in the tree (no string per file); keys of
  // the package's paths only if a file is left that could still be one of them.
  const found = new Set<string>();
  for (const f of pkg.files) {
    const p = tree.find(f.relativePath);
    if (p !== undefined) found.add(p);
  }
  let packageKeys: Set<string> | undefined;
  const ofPackage = (p: string) => {
    packageKeys ??= new Set(pkg.files.map(f => key(f.relativePath)));
    return packageKeys.has(key(p));
  };
  const packageFolders = new Set(pkg.folders.map(key));
  const staleFolders = tree.folders.filter(f => !packageFolders.has(key(f))).sort();
  const staleFolderKeys = new Set(staleFolders.map(key));
  /** Whether a folder above `p` is stale: each `/` in its key ends the key of one. */
  const beneathStale = (p: string) => {
    if (staleFolderKeys.size === 0) return false;
    const k = key(p);
    for (let i = k.indexOf('/'); i >= 0; i = k.indexOf('/', i + 1)) if (staleFolderKeys.has(k.slice(0, i))) return true;
    return false;
  };
  const stale = staleFolders.filter(f => !beneathStale(f)).map(f => `${f}/`);
  const markKey = key(MARK_FILE_NAME);
  for (const p of tree.paths()) {
    if (found.has(p)) continue;
    const name = p.slice(p.lastIndexOf('/') + 1);
    if (key(name) === markKey || ofPackage(p) || beneathStale(p)) continue;
    stale.push(p);
  }
  return stale.sort();
}

/** Throws when the store does not hold the package; `what` names the folder in the message. */
export function assertHoldsPackage(
  tree: StoreTree,
  pkg: ScannedPackage,
  what: string,
  options: VerifyOptions = {},
  names: SettingNames = CANONICAL_NAMES
): void {
  const problems = findDifferences(tree, pkg, options);
  if (problems.length === 0) return;
  throw new Error(
    `The Image Store does not hold the package at ${what}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}. Run the upload again; if this repeats, check that '${names.ClusterEndpoint}' is the cluster's gateway and that its Image Store keeps what it is sent.`
  );
}

export function sumOf(files: Map<string, number>): number {
  let total = 0;
  for (const size of files.values()) total += size;
  return total;
}
