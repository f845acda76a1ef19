// What a listing of a destination found, put together for the verification: each file's size and
// stamp by its path, the folders, and how the cluster compares names. Built once an upload is
// complete, over every file of the package: one map from path to place, the listings' columns
// behind it, and nothing else per file unless asked (the map of sizes is built on first read; the
// case-folded keys only when a path is not found as it is).
import type { FileStamp } from '../protocol/file-stamp.js';
import { EXACT, type PathComparison, storePathKey } from '../protocol/store-path.js';
import type { ListedFiles } from './listed-files.js';

export class StoreTree {
  /** Folders beneath the folder, relative to it with `/`. */
  readonly folders: string[] = [];
  /**
   * The cluster answered with `\` separators: a Windows cluster, which compares names
   * case-insensitively (protocol reference §1, Paths).
   */
  comparison: PathComparison = { caseInsensitive: false };
  private readonly listings: ListedFiles[] = [];
  /** Where each listing's files start in the numbering of `rows`, in the order of `listings`. */
  private readonly starts: number[] = [];
  /** Each file's number: its listing and its place in it. */
  private readonly rows = new Map<string, number>();
  private count = 0;
  private sizes?: Map<string, number>;
  private byKey?: Map<string, string>;

  /** Adds a listing's files (paths relative to the tree's root, `/`-joined segments). */
  addFiles(files: ListedFiles): void {
    this.listings.push(files);
    this.starts.push(this.count);
    for (let i = 0; i < files.length; i++) this.rows.set(files.paths[i]!, this.count + i);
    this.count += files.length;
    this.sizes = undefined;
    this.byKey = undefined;
  }

  /** Files beneath the folder, relative to it with `/`, and their sizes. */
  get files(): Map<string, number> {
    if (!this.sizes) {
      this.sizes = new Map();
      for (const path of this.rows.keys()) this.sizes.set(path, this.sizeOf(path)!);
    }
    return this.sizes;
  }

  paths(): IterableIterator<string> {
    return this.rows.keys();
  }

  sizeOf(path: string): number | undefined {
    const at = this.locate(path);
    return at && at.listing.sizes[at.index];
  }

  /** What the listing says of a file's write (FileVersion, ModifiedDate). */
  stampOf(path: string): FileStamp | undefined {
    const at = this.locate(path);
    return at && at.listing.stamp(at.index);
  }

  /**
   * The tree's own path for `path`, the way the cluster compares names. A path found as it is wins
   * (a cluster that ignores case holds one file per name, so nothing else can match it); otherwise a
   * Windows tree is looked up by folded keys, made once for all paths.
   */
  find(path: string): string | undefined {
    if (this.rows.has(path)) return path;
    const normal = storePathKey(path, EXACT);
    if (!this.comparison.caseInsensitive) return this.rows.has(normal) ? normal : undefined;
    if (!this.byKey) {
      this.byKey = new Map();
      for (const p of this.rows.keys()) this.byKey.set(storePathKey(p, this.comparison), p);
    }
    return this.byKey.get(storePathKey(path, this.comparison));
  }

  private locate(path: string): { listing: ListedFiles; index: number } | undefined {
    const row = this.rows.get(path);
    if (row === undefined) return undefined;
    // The last listing that starts at or before the row.
    let [lo, hi] = [0, this.starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return { listing: this.listings[lo]!, index: row - this.starts[lo]! };
  }
}
