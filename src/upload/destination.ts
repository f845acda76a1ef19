// What happens to the destination folder around the upload: the overwrite modes before it, and
// the check after it that the store holds exactly the package.
import * as core from '@actions/core';
import { inParallel, Semaphore } from '../util/concurrency.js';
import type { OverwriteMode } from '../action/inputs.js';
import type { ScannedPackage } from '../package/package-scan.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { parseInt64 } from '../protocol/models.js';
import { joinStorePath, normalizeStorePath } from '../protocol/store-path.js';
import type { ImageStoreClient } from '../cluster/store-client.js';

export interface PreparedDestination {
  /** `skip` found a complete upload already there: nothing is to be uploaded. */
  skip: boolean;
  /** The destination holds nothing now. */
  empty: boolean;
}

export class DestinationExistsError extends Error {
  override name = 'DestinationExistsError';
}

export async function prepareDestination(
  client: ImageStoreClient,
  destination: string,
  mode: OverwriteMode,
  pkg: ScannedPackage,
  concurrency: number
): Promise<PreparedDestination> {
  switch (mode) {
    case 'fail': {
      if ((await client.list(destination)) !== undefined) {
        throw new DestinationExistsError(
          `'${destination}' already exists in the Image Store and 'overwrite' is 'fail': delete it, choose another 'image-store-path', or set 'overwrite' to replace, merge or skip.`
        );
      }
      return { skip: false, empty: true };
    }
    case 'skip': {
      if (await client.getFileInfo(joinStorePath(destination, MARK_FILE_NAME))) {
        core.info(`'${destination}/${MARK_FILE_NAME}' exists: a complete upload is already there, and 'overwrite' is 'skip'.`);
        return { skip: true, empty: false };
      }
      // Anything there without the root mark file is an incomplete upload: start afresh.
      await client.delete(destination);
      core.info(`Deleted '${destination}' (no complete upload was there).`);
      return { skip: false, empty: true };
    }
    case 'replace': {
      await client.delete(destination);
      core.info(`Deleted '${destination}' before uploading ('overwrite: replace').`);
      return { skip: false, empty: true };
    }
    case 'merge': {
      if ((await client.list(destination)) === undefined) return { skip: false, empty: true };
      // The folders about to change must not look complete while they do: their mark files go
      // first, the root's before all others, and are written again after the upload.
      await client.delete(joinStorePath(destination, MARK_FILE_NAME));
      const others = pkg.folders.filter(f => f !== '');
      await inParallel(others, concurrency, f => client.delete(joinStorePath(destination, f, MARK_FILE_NAME)));
      core.info(`Merging into '${destination}': removed the mark files of ${pkg.folders.length} folder(s) until the upload completes.`);
      return { skip: false, empty: false };
    }
  }
}

export interface StoreTree {
  /** Files beneath the folder, relative to it with `/`, and their sizes. */
  files: Map<string, number>;
  folders: string[];
}

/**
 * Lists a folder recursively (one request per folder and page). A folder's sub-folders are listed
 * as soon as it is, so the listing takes about one round trip per level of the deepest path.
 */
export async function listTree(client: ImageStoreClient, root: string, concurrency: number): Promise<StoreTree> {
  const tree: StoreTree = { files: new Map(), folders: [] };
  const prefix = `${normalizeStorePath(root)}/`.toLowerCase();
  const relative = (storeRelativePath: string) => {
    const p = normalizeStorePath(storeRelativePath);
    // Windows clusters compare case-insensitively and may answer in another case.
    return p.toLowerCase().startsWith(prefix) ? p.slice(prefix.length) : p;
  };
  const listings = new Set<Promise<void>>();
  let failure: unknown;
  const limiter = new Semaphore(concurrency);
  const visit = (folder: string): void => {
    const listing = limiter
      .use(() => client.list(joinStorePath(root, folder)))
      .then(
        content => {
          for (const f of content?.files ?? []) tree.files.set(relative(f.StoreRelativePath), parseInt64(f.FileSize, 'FileSize'));
          for (const f of content?.folders ?? []) {
            const sub = relative(f.StoreRelativePath);
            tree.folders.push(sub);
            if (failure === undefined) visit(sub);
          }
        },
        err => {
          failure ??= err;
        }
      );
    listings.add(listing);
    void listing.finally(() => listings.delete(listing));
  };
  visit('');
  while (listings.size > 0) await Promise.allSettled([...listings]);
  if (failure !== undefined) throw failure;
  return tree;
}

/** Compares the store with the package: every file with its size, every mark file. */
export function findDifferences(tree: StoreTree, pkg: ScannedPackage): string[] {
  const problems: string[] = [];
  for (const file of pkg.files) {
    const size = tree.files.get(file.relativePath);
    if (size === undefined) problems.push(`'${file.relativePath}' is missing`);
    else if (size !== file.size) problems.push(`'${file.relativePath}' has ${size} bytes instead of ${file.size}`);
  }
  for (const folder of pkg.folders) {
    const mark = joinStorePath(folder, MARK_FILE_NAME);
    if (!tree.files.has(mark)) problems.push(`'${mark}' is missing`);
  }
  return problems;
}
