// The check after the upload (and after the copy) that the store holds the package: a recursive
// listing compared with the scanned package, the way the cluster compares names. It also finds
// what the destination holds that the package lacks (left over by merge or skip).
import { InFlight } from '../util/in-flight.js';
import { Semaphore } from '../util/concurrency.js';
import type { ScannedPackage } from '../package/package-scan.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { parseInt64 } from '../protocol/models.js';
import { joinStorePath, normalizeStorePath, type PathComparison, relativeStorePath, storePathKey } from '../protocol/store-path.js';
import type { ImageStoreClient } from '../cluster/store-client.js';

export interface StoreTree {
  /** Files beneath the folder, relative to it with `/`, and their sizes. */
  files: Map<string, number>;
  /** Folders beneath the folder, relative to it with `/`. */
  folders: string[];
  /**
   * The cluster answered with `\` separators: a Windows cluster, which compares names
   * case-insensitively (protocol reference §1, Paths).
   */
  comparison: PathComparison;
}

/** A listing the action cannot read: the step fails with this message. */
export class MalformedListingError extends Error {
  override name = 'MalformedListingError';
}

/**
 * Lists a folder recursively (one request per folder and page). A folder's sub-folders are listed
 * as soon as it is, so the listing takes about one round trip per level of the deepest path.
 */
export async function listTree(client: ImageStoreClient, root: string, concurrency: number): Promise<StoreTree> {
  const tree: StoreTree = { files: new Map(), folders: [], comparison: { caseInsensitive: false } };
  const relative = (storeRelativePath: unknown, folder: string): string => {
    if (typeof storeRelativePath !== 'string') {
      throw new MalformedListingError(
        `The listing of '${joinStorePath(root, folder)}' has an entry without a StoreRelativePath: the endpoint does not answer like an Image Store.`
      );
    }
    if (storeRelativePath.includes('\\')) tree.comparison = { caseInsensitive: true };
    // Windows clusters answer in their own case: compare segments as they do, whatever it is.
    return relativeStorePath(storeRelativePath, root, { caseInsensitive: true }) ?? normalizeStorePath(storeRelativePath);
  };
  const listings = new InFlight();
  const limiter = new Semaphore(concurrency);
  const visit = (folder: string): void => {
    listings.add(
      limiter
        .use(() => client.list(joinStorePath(root, folder)))
        .then(content => {
          const files: unknown = content?.files ?? [];
          const folders: unknown = content?.folders ?? [];
          if (!Array.isArray(files) || !Array.isArray(folders)) {
            throw new MalformedListingError(
              `The listing of '${joinStorePath(root, folder)}' is not an Image Store listing (StoreFiles and StoreFolders must be arrays).`
            );
          }
          for (const f of files as { StoreRelativePath?: unknown; FileSize?: unknown }[]) {
            const at = relative(f?.StoreRelativePath, folder);
            let size: number;
            try {
              size = parseInt64(f.FileSize, 'FileSize');
            } catch (err) {
              throw new MalformedListingError(`The listing of '${joinStorePath(root, folder)}' gives '${at}' an unreadable size: ${(err as Error).message}.`);
            }
            tree.files.set(at, size);
          }
          for (const f of folders as { StoreRelativePath?: unknown }[]) {
            const sub = relative(f?.StoreRelativePath, folder);
            tree.folders.push(sub);
            if (!listings.failed) visit(sub);
          }
        })
    );
  };
  visit('');
  await listings.drain();
  return tree;
}

export interface VerifyOptions {
  /** The package root's `_.dir` is not expected yet (verification before it is written). */
  withoutRootMark?: boolean;
}

/** Compares the store with the package: every file with its size, every mark file. */
export function findDifferences(tree: StoreTree, pkg: ScannedPackage, options: VerifyOptions = {}): string[] {
  const key = (p: string) => storePathKey(p, tree.comparison);
  const stored = new Map<string, number>();
  for (const [p, size] of tree.files) stored.set(key(p), size);
  const problems: string[] = [];
  for (const file of pkg.files) {
    const size = stored.get(key(file.relativePath));
    if (size === undefined) problems.push(`'${file.relativePath}' is missing`);
    else if (size !== file.size) problems.push(`'${file.relativePath}' has ${size} bytes instead of ${file.size}`);
  }
  for (const folder of pkg.folders) {
    if (folder === '' && options.withoutRootMark) continue;
    const mark = joinStorePath(folder, MARK_FILE_NAME);
    if (!stored.has(key(mark))) problems.push(`'${mark}' is missing`);
  }
  return problems;
}

/**
 * What the store holds beneath the destination that the package lacks: folders (with a trailing
 * `/`, counted once whatever they hold) and files outside them. Mark files are the action's own.
 */
export function findStale(tree: StoreTree, pkg: ScannedPackage): string[] {
  const key = (p: string) => storePathKey(p, tree.comparison);
  const packageFiles = new Set(pkg.files.map(f => key(f.relativePath)));
  const packageFolders = new Set(pkg.folders.map(key));
  const staleFolders = tree.folders.filter(f => !packageFolders.has(key(f))).sort();
  const staleFolderKeys = new Set(staleFolders.map(key));
  const beneathStale = (p: string) => {
    const segments = key(p).split('/');
    for (let i = 1; i < segments.length; i++) if (staleFolderKeys.has(segments.slice(0, i).join('/'))) return true;
    return false;
  };
  const stale = staleFolders.filter(f => !beneathStale(f)).map(f => `${f}/`);
  const markKey = key(MARK_FILE_NAME);
  for (const p of [...tree.files.keys()].sort()) {
    const name = p.split('/').pop() ?? '';
    if (key(name) === markKey || packageFiles.has(key(p)) || beneathStale(p)) continue;
    stale.push(p);
  }
  return stale.sort();
}

/** Throws when the store does not hold the package; `what` names the folder in the message. */
export function assertHoldsPackage(tree: StoreTree, pkg: ScannedPackage, what: string, options: VerifyOptions = {}): void {
  const problems = findDifferences(tree, pkg, options);
  if (problems.length === 0) return;
  throw new Error(
    `The Image Store does not hold the package at ${what}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}. Run the upload again; if this repeats, check that '${'cluster-endpoint'}' is the cluster's gateway and that its Image Store keeps what it is sent.`
  );
}

export function sumOf(files: Map<string, number>): number {
  let total = 0;
  for (const size of files.values()) total += size;
  return total;
}
