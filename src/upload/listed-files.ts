// The files of a destination's listings as the verification keeps them until the upload ends: a
// file's path, size and stamp at the same index of a few arrays of numbers, instead of an object,
// an array and three bigints per file. Listings taken during the upload stay alive for the whole
// run, and with 50,000 files that was about 14 MiB more alive, which the collector's limit then
// multiplied (BENCHMARKS.md, "Memory with many files").
import type { FileStamp } from '../protocol/file-stamp.js';

/** The largest integer a number holds exactly: stamps beyond it keep their bigints. */
const EXACT_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

export class ListedFiles {
  /** Relative to the tree's root, with `/`. */
  readonly paths: string[] = [];
  readonly sizes: number[] = [];
  /** EpochDataLossNumber, EpochConfigurationNumber and VersionNumber of each file, three apiece; NaN without a FileVersion. */
  private readonly versions: number[] = [];
  /** ModifiedDate in milliseconds; NaN without one. */
  private readonly modified: number[] = [];
  /** Stamps whose numbers a number cannot hold exactly, by index. */
  private readonly large = new Map<number, FileStamp>();

  get length(): number {
    return this.paths.length;
  }

  add(path: string, size: number, stamp: FileStamp): void {
    const i = this.paths.length;
    this.paths.push(path);
    this.sizes.push(size);
    this.modified.push(stamp.modifiedMs ?? NaN);
    const v = stamp.version;
    if (v && v.some(part => part > EXACT_LIMIT)) this.large.set(i, stamp);
    if (v) this.versions.push(Number(v[0]), Number(v[1]), Number(v[2]));
    else this.versions.push(NaN, NaN, NaN);
  }

  /** The stamp of the file at `i`, as the listing gave it. */
  stamp(i: number): FileStamp {
    const large = this.large.get(i);
    if (large) return large;
    const dataLoss = this.versions[3 * i]!;
    const modified = this.modified[i]!;
    return {
      version: Number.isNaN(dataLoss) ? undefined : [BigInt(dataLoss), BigInt(this.versions[3 * i + 1]!), BigInt(this.versions[3 * i + 2]!)],
      modifiedMs: Number.isNaN(modified) ? undefined : modified
    };
  }
}
