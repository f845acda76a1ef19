// Store-relative paths. The store always uses `/` on the wire from this project; Windows
// clusters answer with `\`, so parsing accepts both. Comparisons are made segment by segment,
// the way the cluster compares: case-insensitively on Windows, exactly on Linux.

export function storePathSegments(storePath: string): string[] {
  return storePath.split(/[\\/]/).filter(s => s !== '');
}

/** Normalises to `a/b/c`: either separator in, `/` out, no empty segments. */
export function normalizeStorePath(storePath: string): string {
  return storePathSegments(storePath).join('/');
}

export function joinStorePath(...parts: string[]): string {
  return normalizeStorePath(parts.filter(p => p !== '').join('/'));
}

/** Percent-encodes each segment on its own (names may hold space, #, ?, %, +, ;, &, =, '). */
export function encodeStorePath(storePath: string): string {
  return storePathSegments(storePath).map(encodeURIComponent).join('/');
}

export function parentStorePath(storePath: string): string {
  const segments = storePathSegments(storePath);
  return segments.slice(0, -1).join('/');
}

export function baseName(storePath: string): string {
  const segments = storePathSegments(storePath);
  return segments[segments.length - 1] ?? '';
}

/** How a cluster compares names: Windows clusters ignore case, Linux clusters do not. */
export interface PathComparison {
  caseInsensitive: boolean;
}

export const EXACT: PathComparison = { caseInsensitive: false };
/** What the action assumes before it knows the cluster's OS: the comparison that finds more paths equal. */
export const AS_WINDOWS: PathComparison = { caseInsensitive: true };

/**
 * One name folded the way Windows compares names: each character upper-cased on its own, and
 * left as it is where upper-casing would turn it into several characters (`ß`, `ﬁ`): NTFS maps
 * one character to one, so `Straße` and `STRASSE` are different names there.
 */
export function foldName(name: string): string {
  // Printable ASCII upper-cases one character to one: the common case, without a string per character.
  if (PRINTABLE_ASCII.test(name)) return name.toUpperCase();
  let folded = '';
  for (const ch of name) {
    const upper = ch.toUpperCase();
    folded += [...upper].length === 1 ? upper : ch;
  }
  return folded;
}

const PRINTABLE_ASCII = /^[ -~]*$/;
/** A separator that normalizeStorePath would change: `\`, an empty segment, a leading or trailing `/`. */
const NOT_NORMAL = /\\|\/\/|^\/|\/$/;

/** A key under which paths the cluster sees as the same one are equal (`/`-joined segments). */
export function storePathKey(storePath: string, comparison: PathComparison): string {
  // Called for every file of a package several times: no array of segments where none is needed.
  const normal = NOT_NORMAL.test(storePath) ? normalizeStorePath(storePath) : storePath;
  if (!comparison.caseInsensitive) return normal;
  return PRINTABLE_ASCII.test(normal) ? normal.toUpperCase() : storePathSegments(normal).map(foldName).join('/');
}

function sameName(a: string, b: string, comparison: PathComparison): boolean {
  return a === b || (comparison.caseInsensitive && foldName(a) === foldName(b));
}

/** The rest of `path` beneath `ancestor`, segment by segment, or undefined when it is not beneath it. */
export function relativeStorePath(path: string, ancestor: string, comparison: PathComparison): string | undefined {
  const p = storePathSegments(path);
  const a = storePathSegments(ancestor);
  if (p.length < a.length) return undefined;
  for (const [i, name] of a.entries()) {
    const own = p[i];
    if (own === undefined || !sameName(own, name, comparison)) return undefined;
  }
  return p.slice(a.length).join('/');
}

/** True when `path` is `ancestor` itself or lies beneath it (exactly, unless told otherwise). */
export function isSameOrBeneath(path: string, ancestor: string, comparison: PathComparison = EXACT): boolean {
  return relativeStorePath(path, ancestor, comparison) !== undefined;
}

/** Orders strings by UTF-16 code units: the same order on every platform and in every locale (not localeCompare). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
