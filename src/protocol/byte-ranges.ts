// Inclusive byte ranges, as upload sessions describe them (`ExpectedRanges`, `Content-Range`).

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export function rangeLength(r: ByteRange): number {
  return r.end - r.start + 1;
}

/** Sorts and merges overlapping or adjacent ranges. */
export function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) {
      last.end = Math.max(last.end, r.end);
    } else {
      merged.push({ ...r });
    }
  }
  return merged;
}

/** The parts of [0, length) not covered by `covered`. */
export function missingRanges(covered: readonly ByteRange[], length: number): ByteRange[] {
  const missing: ByteRange[] = [];
  let next = 0;
  for (const r of mergeRanges(covered)) {
    if (r.start > next) missing.push({ start: next, end: r.start - 1 });
    next = Math.max(next, r.end + 1);
  }
  if (next < length) missing.push({ start: next, end: length - 1 });
  return missing;
}

export function overlaps(a: ByteRange, b: ByteRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** True when `r` lies entirely inside one of `ranges`. */
export function liesWithinOne(ranges: readonly ByteRange[], r: ByteRange): boolean {
  return ranges.some(x => x.start <= r.start && r.end <= x.end);
}

/** Cuts ranges into pieces of at most `chunkSize` bytes, in order. */
export function splitIntoChunks(ranges: readonly ByteRange[], chunkSize: number): ByteRange[] {
  const chunks: ByteRange[] = [];
  for (const r of ranges) {
    for (let start = r.start; start <= r.end; start += chunkSize) {
      chunks.push({ start, end: Math.min(r.end, start + chunkSize - 1) });
    }
  }
  return chunks;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/** Parses `bytes a-b/n` exactly (the `bytes=` form is refused, as the gateway does). */
export function parseContentRange(header: string | undefined): { range: ByteRange; length: number } | undefined {
  const m = header === undefined ? null : CONTENT_RANGE.exec(header);
  if (!m) return undefined;
  const [start, end, length] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (![start, end, length].every(Number.isSafeInteger) || start > end || end >= length) {
    return undefined;
  }
  return { range: { start, end }, length };
}

export function formatContentRange(r: ByteRange, length: number): string {
  return `bytes ${r.start}-${r.end}/${length}`;
}
