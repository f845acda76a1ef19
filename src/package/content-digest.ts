// The content digest of `version-stamp: content` (docs/versions.md, "The digest"): what a version
// carries. A Code/Config/Data package's digest covers its files' paths and bytes; a manifest's
// digest covers its text. Both are the first 12 lower-case hex digits of a SHA-256.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

import { DIGEST_LENGTH } from '../util/stamp-suffix.js';

export { DIGEST_LENGTH };

/** SHA-256 of nothing: an empty folder counts as an empty file whose name ends with `/`. */
const EMPTY_SHA256 = createHash('sha256').digest('hex');

const ZIPPED_LINE = 'zip\n';

export interface DigestEntry {
  /** Path relative to the package folder, `/`-separated, case kept as it is. */
  path: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

export async function sha256OfFile(localPath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(localPath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The digest of a listing: one line `<sha256 of the bytes>  <path>\n` per file (the format of
 * `sha256sum`), and `<sha256 of nothing>  <path>/\n` per empty folder, sorted by the paths' UTF-8
 * bytes (what `LC_ALL=C sort` does), then SHA-256 of all the lines. The order the files were found
 * in does not count; a path's case does (a Linux node tells `A.dll` from `a.dll`). A folder that
 * `compress` uploads as `<Name>.zip` has the line `zip\n` first: the cluster checksums the zip, not
 * the files, so the same files zipped need another version than as a folder.
 */
export function listingDigest(files: DigestEntry[], emptyFolders: string[] = [], zipped = false): string {
  const lines = [...files.map(f => ({ path: f.path, sha256: f.sha256 })), ...emptyFolders.map(f => ({ path: `${f}/`, sha256: EMPTY_SHA256 }))].map(e => ({
    key: Buffer.from(e.path, 'utf8'),
    line: `${e.sha256}  ${e.path}\n`
  }));
  lines.sort((a, b) => Buffer.compare(a.key, b.key));
  const hash = createHash('sha256');
  if (zipped) hash.update(ZIPPED_LINE, 'utf8');
  for (const l of lines) hash.update(l.line, 'utf8');
  return hash.digest('hex').slice(0, DIGEST_LENGTH);
}

/** The digest of a manifest's text: SHA-256 of its UTF-8 bytes, whatever encoding the file is in. */
export function textDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, DIGEST_LENGTH);
}
