// Store-relative paths. The store always uses `/` on the wire from this project; Windows
// clusters answer with `\`, so parsing accepts both.

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

/** True when `path` is `ancestor` itself or lies beneath it. */
export function isSameOrBeneath(path: string, ancestor: string): boolean {
  const p = normalizeStorePath(path);
  const a = normalizeStorePath(ancestor);
  return a === '' || p === a || p.startsWith(a + '/');
}
