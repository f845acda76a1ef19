// Writes a zip whose bytes depend only on the entries' names and contents: the cluster checksums a
// zipped package's bytes, so a re-run over unchanged files must give the same zip on every run and
// every OS. Entries are streamed from disk one at a time (yazl), so a 1 GiB file costs no memory.
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  /** Path inside the zip, relative, with `/` separators (no leading `/`). */
  name: string;
  /** A file: its local path and size (checked: a file that changes while being zipped fails). Absent for an empty folder. */
  localPath?: string;
  size?: number;
}

/**
 * Fixed metadata of every entry. The DOS timestamp only (no Info-ZIP extended timestamp, which
 * encodes seconds since the epoch and so the time zone of a local Date): 1980-01-01 00:00, the
 * earliest DOS date, built from local fields because yazl writes local fields.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;
const FOLDER_MODE = 0o040755;
/** The level the runtime's own zipper uses; fixed, since another level gives other bytes. */
export const ZIP_COMPRESSION_LEVEL = 1;

/** Sorts by name with a plain code-unit comparison, the same on every platform and locale. */
export function sortZipEntries(entries: ZipEntry[]): ZipEntry[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Writes `entries` (sorted here) to `zipPath`; returns the zip's size in bytes. */
export async function writeDeterministicZip(entries: ZipEntry[], zipPath: string): Promise<number> {
  const zip = new ZipFile();
  // yazl reports a failed input (unreadable, or a size that changed) on the ZipFile, not on its
  // output: end the output with that error so that the pipeline below rejects with it.
  zip.on('error', (err: Error) => (zip.outputStream as NodeJS.ReadableStream & { destroy(e: Error): void }).destroy(err));
  const written = pipeline(zip.outputStream, createWriteStream(zipPath));
  for (const entry of sortZipEntries(entries)) {
    if (entry.name === '' || entry.name.startsWith('/') || entry.name.includes('\\')) {
      throw new Error(`internal: zip entry name '${entry.name}' must be relative with '/' separators`);
    }
    if (entry.localPath === undefined) {
      zip.addEmptyDirectory(entry.name, { mtime: FIXED_MTIME, mode: FOLDER_MODE, forceDosTimestamp: true });
      continue;
    }
    const localPath = entry.localPath;
    zip.addReadStreamLazy(
      entry.name,
      {
        mtime: FIXED_MTIME,
        mode: FILE_MODE,
        forceDosTimestamp: true,
        compressionLevel: ZIP_COMPRESSION_LEVEL,
        ...(entry.size !== undefined ? { size: entry.size } : {})
      },
      cb => cb(null, createReadStream(localPath, { highWaterMark: 256 * 1024 }))
    );
  }
  zip.end();
  try {
    await written;
  } catch (err) {
    await fs.rm(zipPath, { force: true });
    throw err;
  }
  return (await fs.stat(zipPath)).size;
}
