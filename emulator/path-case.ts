// How the emulated cluster compares store paths: a Windows cluster (NTFS) compares them
// case-insensitively, a Linux cluster case-sensitively. Paths are compared segment by segment,
// each segment case-folded on its own: never by the length of a lower-cased string (Unicode case
// mapping can change lengths, so a prefix test on folded strings can cut a segment in two).
import { storePathSegments } from '../src/protocol/store-path.js';

export class PathComparer {
  constructor(readonly caseInsensitive: boolean) {}

  /** One segment as the cluster compares it. */
  foldSegment(segment: string): string {
    // [undoc] NTFS compares with its upcase table; a simple case fold per segment stands in.
    return this.caseInsensitive ? segment.toLowerCase() : segment;
  }

  /** A map key for a store path: equal keys are the same path for the cluster. */
  key(storePath: string): string {
    return storePathSegments(storePath)
      .map(s => this.foldSegment(s))
      .join('/');
  }

  same(a: string, b: string): boolean {
    const sa = storePathSegments(a);
    const sb = storePathSegments(b);
    return sa.length === sb.length && sa.every((s, i) => this.foldSegment(s) === this.foldSegment(sb[i] ?? ''));
  }

  /** True when `path` is `ancestor` itself or lies beneath it (the root is everyone's ancestor). */
  isSameOrBeneath(path: string, ancestor: string): boolean {
    const p = storePathSegments(path);
    const a = storePathSegments(ancestor);
    return a.length <= p.length && a.every((s, i) => this.foldSegment(s) === this.foldSegment(p[i] ?? ''));
  }
}
