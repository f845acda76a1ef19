// Writes a zip whose bytes depend only on the entries' names and contents: the cluster checksums a
// zipped package's bytes, so a re-run over unchanged files must give the same zip on every run and
// every OS. The container (PKWARE APPNOTE 6.3: local headers, central directory, zip64 where a size,
// an offset or the entry count needs it) is written here; deflate and CRC-32 are Node's zlib.
//
// Why not a zip library: yazl (used before) computes CRC-32 in JavaScript on the main thread and
// pumps one entry at a time through a chain of streams, so one zip used one core at a time. Here the
// entries of a zip are read and deflated several at once, in a bounded window, and written in order:
// the bench's 1,200-file package compressed in about a third of the time (docs/packages.md).
import { createReadStream, promises as fs } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import { compareCodeUnits } from '../protocol/store-path.js';

export interface ZipEntry {
  /** Path inside the zip, relative, with `/` separators (no leading `/`); a folder's ends with `/`. */
  name: string;
  /** A file: its local path and size (checked: a file that changes while being zipped fails). Absent for an empty folder. */
  localPath?: string;
  size?: number;
}

/** The level the runtime's own zipper uses; fixed, since another level gives other bytes. */
export const ZIP_COMPRESSION_LEVEL = 1;

/** DOS date and time of every entry: 1980-01-01 00:00, the earliest DOS date (no extended timestamp, which would carry a time zone). */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const FILE_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** Unix mode in the high half, the MS-DOS directory bit in the low one. */
const FOLDER_ATTRIBUTES = ((0o040755 << 16) | 0x10) >>> 0;
/** Made by: Unix (3) in the high byte, so that readers honour the mode; spec version 6.3 in the low one. */
const VERSION_MADE_BY = (3 << 8) | 63;
const VERSION_NEEDED = 20;
const VERSION_NEEDED_ZIP64 = 45;
/** General purpose flag bit 11: names are UTF-8. Set on every entry, so that it does not depend on the name. */
const FLAG_UTF8 = 0x0800;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** What a classic field holds when the real value is in the zip64 record. */
const MARK_32 = 0xffffffff;
const MARK_16 = 0xffff;

/** From what size, offset or entry count the zip64 records are written. Lower values exist for the tests only, to reach the zip64 layout without writing 4 GiB. */
export interface Zip64Thresholds {
  sizeOrOffset: number;
  entries: number;
}
const ZIP64_THRESHOLDS: Zip64Thresholds = { sizeOrOffset: MARK_32, entries: MARK_16 };

/** Files up to this size are read whole and deflated in one call; larger ones are streamed. */
const WHOLE_FILE_LIMIT = 1024 * 1024;
/** Bytes of small files read and deflated ahead of the writer, per zip (memory bound). */
const LOOKAHEAD_BYTES = 8 * 1024 * 1024;
/**
 * Small files being read and deflated at once, per zip: enough to keep libuv's four threads busy with
 * one zip at a time (each file takes several trips to the thread pool: open, read, close, deflate).
 */
const LOOKAHEAD_FILES = 16;
/**
 * Small files deflated and waiting for the writer, at most: while the writer streams a large file,
 * the files after it go on being deflated on the other threads, up to this many (and LOOKAHEAD_BYTES).
 */
const LOOKAHEAD_WAITING = 64;
const STREAM_CHUNK = 512 * 1024;

const deflateRaw = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.deflateRaw);

/** Sorts by name with a plain code-unit comparison, the same on every platform and locale. */
export function sortZipEntries(entries: ZipEntry[]): ZipEntry[] {
  return [...entries].sort((a, b) => compareCodeUnits(a.name, b.name));
}

/** An upper bound of deflate's output for `size` input bytes (zlib's deflateBound, with room to spare). */
function deflateBound(size: number): number {
  return size + Math.ceil(size / 4096) + Math.ceil(size / 16384) + 64;
}

interface WrittenEntry {
  name: Buffer;
  folder: boolean;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  /** The local header carries a zip64 extra field (decided from the size before compressing). */
  localZip64: boolean;
}

/** A small file, read and deflated ahead of the writer. */
export interface Deflated {
  crc: number;
  data: Buffer;
  size: number;
}

class FileChangedError extends Error {
  constructor(entry: ZipEntry, actual: number) {
    super(
      `'${entry.localPath}' changed while it was being zipped (${actual} bytes instead of the ${entry.size} scanned): run the step again once nothing writes into the package folder.`
    );
  }
}

/** Writes `entries` (sorted here) to `zipPath`; returns the zip's size in bytes. A failed zip is deleted. */
export interface ZipOptions {
  /** Stops the writing (the zip is then deleted). */
  signal?: AbortSignal;
  zip64?: Zip64Thresholds;
}

export async function writeDeterministicZip(entries: ZipEntry[], zipPath: string, options: ZipOptions = {}): Promise<number> {
  const { signal, zip64 = ZIP64_THRESHOLDS } = options;
  const sorted = sortZipEntries(entries);
  for (const entry of sorted) {
    const folder = entry.localPath === undefined;
    if (entry.name === '' || entry.name.startsWith('/') || entry.name.includes('\\') || folder !== entry.name.endsWith('/')) {
      throw new Error(`internal: zip entry name '${entry.name}' must be relative with '/' separators, and end with '/' for a folder only`);
    }
    if (!folder && entry.size === undefined) throw new Error(`internal: zip entry '${entry.name}' has no size`);
  }
  const file = await fs.open(zipPath, 'w');
  const ahead = new Lookahead(sorted);
  try {
    const written: WrittenEntry[] = [];
    let offset = 0;
    const write = async (bytes: Buffer) => {
      await writeAll(file, bytes, offset);
      offset += bytes.length;
    };
    for (const [i, entry] of sorted.entries()) {
      signal?.throwIfAborted();
      const name = Buffer.from(entry.name, 'utf8');
      if (name.length > MARK_16) throw new Error(`'${entry.name}' is too long a name for a zip entry`);
      const start = offset;
      if (entry.localPath === undefined) {
        const w: WrittenEntry = { name, folder: true, crc: 0, compressedSize: 0, size: 0, offset: start, localZip64: false };
        await write(localHeader(w));
        written.push(w);
        continue;
      }
      const size = entry.size!;
      const localZip64 = deflateBound(size) >= zip64.sizeOrOffset;
      const deflated = ahead.take(i);
      if (deflated) {
        const d = await deflated;
        const w: WrittenEntry = { name, folder: false, crc: d.crc, compressedSize: d.data.length, size: d.size, offset: start, localZip64 };
        await write(Buffer.concat([localHeader(w), d.data]));
        written.push(w);
        continue;
      }
      // A large file: a header with room for its sizes, the deflated bytes streamed after it, then the header again with the real values.
      const w: WrittenEntry = { name, folder: false, crc: 0, compressedSize: 0, size, offset: start, localZip64 };
      const header = localHeader(w);
      offset += header.length;
      const streamed = await streamDeflated(entry, file, offset, signal);
      Object.assign(w, streamed);
      if (!localZip64 && w.compressedSize >= zip64.sizeOrOffset) throw new Error(`internal: deflate of '${entry.name}' outgrew its bound`);
      await writeAll(file, localHeader(w), start);
      offset += w.compressedSize;
      written.push(w);
    }
    const centralStart = offset;
    await write(Buffer.concat(written.map(e => centralHeader(e, zip64))));
    await write(endOfCentralDirectory(written.length, centralStart, offset - centralStart, zip64));
    await file.close();
    return offset;
  } catch (err) {
    await ahead.abandon();
    await file.close().catch(() => undefined);
    await fs.rm(zipPath, { force: true });
    throw err;
  }
}

/**
 * Reads and deflates the small files of a zip ahead of the writer, in the zip's order: at most
 * LOOKAHEAD_FILES at once, LOOKAHEAD_WAITING done and not yet written, and LOOKAHEAD_BYTES in all
 * (at least one file).
 */
export class Lookahead {
  private readonly started = new Map<number, Promise<Deflated>>();
  private next = 0;
  private bytesAhead = 0;
  /** Of `started`, those still being read or deflated. */
  private running = 0;

  constructor(
    private readonly entries: ZipEntry[],
    /** Reads and deflates one small file (tests give their own). */
    private readonly read: (entry: ZipEntry) => Promise<Deflated> = readAndDeflate
  ) {
    this.fill();
  }

  /** The deflated bytes of entry `i`, or undefined when it is a folder or a large file (the writer streams it). */
  take(i: number): Promise<Deflated> | undefined {
    const p = this.started.get(i);
    if (!p) return undefined;
    this.started.delete(i);
    return p.finally(() => {
      this.bytesAhead -= this.entries[i]!.size!;
      this.fill();
    });
  }

  /** After a failure: waits for the reads in flight, so that nothing touches the files once the writer has given up. */
  async abandon(): Promise<void> {
    this.next = this.entries.length;
    await Promise.allSettled(this.started.values());
  }

  private fill(): void {
    for (; this.next < this.entries.length; this.next++) {
      const entry = this.entries[this.next]!;
      if (entry.localPath === undefined || entry.size! > WHOLE_FILE_LIMIT) continue;
      const full =
        this.running >= LOOKAHEAD_FILES || this.started.size >= LOOKAHEAD_FILES + LOOKAHEAD_WAITING || this.bytesAhead + entry.size! > LOOKAHEAD_BYTES;
      if (this.started.size > 0 && full) return;
      const p = this.read(entry);
      // Observed here (the writer awaits it in turn and sees the error); a finished file makes room for the next.
      const settled = () => {
        this.running--;
        this.fill();
      };
      p.then(settled, settled);
      this.running++;
      this.started.set(this.next, p);
      this.bytesAhead += entry.size!;
    }
  }
}

async function readAndDeflate(entry: ZipEntry): Promise<Deflated> {
  const bytes = await fs.readFile(entry.localPath!);
  if (bytes.length !== entry.size) throw new FileChangedError(entry, bytes.length);
  const data = await deflateRaw(bytes, { level: ZIP_COMPRESSION_LEVEL, chunkSize: Math.max(16 * 1024, Math.min(bytes.length, 256 * 1024)) });
  return { crc: zlib.crc32(bytes), data, size: bytes.length };
}

/** Streams `entry` through deflate into `file` at `position`; returns its CRC-32 and sizes. */
async function streamDeflated(
  entry: ZipEntry,
  file: fs.FileHandle,
  position: number,
  signal: AbortSignal | undefined
): Promise<{ crc: number; compressedSize: number; size: number }> {
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const checksum = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      done(null, chunk);
    }
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writeAll(file, chunk, position + compressedSize).then(() => {
        compressedSize += chunk.length;
        done();
      }, done);
    }
  });
  await pipeline(
    createReadStream(entry.localPath!, { highWaterMark: STREAM_CHUNK }),
    checksum,
    zlib.createDeflateRaw({ level: ZIP_COMPRESSION_LEVEL, chunkSize: STREAM_CHUNK }),
    sink,
    { signal }
  );
  if (size !== entry.size) throw new FileChangedError(entry, size);
  return { crc, compressedSize, size };
}

async function writeAll(file: fs.FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

function localHeader(e: WrittenEntry): Buffer {
  const extra = e.localZip64 ? zip64Extra([e.size, e.compressedSize]) : Buffer.alloc(0);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(e.localZip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 4);
  h.writeUInt16LE(FLAG_UTF8, 6);
  h.writeUInt16LE(e.folder ? METHOD_STORE : METHOD_DEFLATE, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(e.crc, 14);
  h.writeUInt32LE(e.localZip64 ? MARK_32 : e.compressedSize, 18);
  h.writeUInt32LE(e.localZip64 ? MARK_32 : e.size, 22);
  h.writeUInt16LE(e.name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, e.name, extra]);
}

function centralHeader(e: WrittenEntry, zip64: Zip64Thresholds): Buffer {
  // In the central directory a zip64 field holds only the values that do not fit, in this order.
  const big = [e.size, e.compressedSize, e.offset].map(v => v >= zip64.sizeOrOffset);
  const [bigSize, bigCompressed, bigOffset] = big;
  const wide = [bigSize ? e.size : -1, bigCompressed ? e.compressedSize : -1, bigOffset ? e.offset : -1].filter(v => v >= 0);
  const extra = wide.length > 0 ? zip64Extra(wide) : Buffer.alloc(0);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION_MADE_BY, 4);
  h.writeUInt16LE(wide.length > 0 || e.localZip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 6);
  h.writeUInt16LE(FLAG_UTF8, 8);
  h.writeUInt16LE(e.folder ? METHOD_STORE : METHOD_DEFLATE, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(e.crc, 16);
  h.writeUInt32LE(bigCompressed ? MARK_32 : e.compressedSize, 20);
  h.writeUInt32LE(bigSize ? MARK_32 : e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32); // comment length
  h.writeUInt16LE(0, 34); // disk number start
  h.writeUInt16LE(0, 36); // internal attributes
  h.writeUInt32LE(e.folder ? FOLDER_ATTRIBUTES : FILE_ATTRIBUTES, 38);
  h.writeUInt32LE(bigOffset ? MARK_32 : e.offset, 42);
  return Buffer.concat([h, e.name, extra]);
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

/**
 * The end records: zip64 ones first when the count, the directory's size or its offset do not fit
 * the classic record, which then holds -1 in all three (APPNOTE 4.4.1.4; .NET's reader looks for the
 * zip64 records only when it sees -1 there).
 */
function endOfCentralDirectory(count: number, centralStart: number, centralSize: number, thresholds: Zip64Thresholds): Buffer {
  const zip64 = count >= thresholds.entries || centralStart >= thresholds.sizeOrOffset || centralSize >= thresholds.sizeOrOffset;
  const parts: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of the record
    record.writeUInt16LE(VERSION_MADE_BY, 12);
    record.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    record.writeUInt32LE(0, 16); // this disk
    record.writeUInt32LE(0, 20); // disk of the central directory
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(centralSize), 40);
    record.writeBigUInt64LE(BigInt(centralStart), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(centralStart + centralSize), 8);
    locator.writeUInt32LE(1, 16); // disks in all
    parts.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(zip64 ? MARK_16 : count, 8);
  end.writeUInt16LE(zip64 ? MARK_16 : count, 10);
  end.writeUInt32LE(zip64 ? MARK_32 : centralSize, 12);
  end.writeUInt32LE(zip64 ? MARK_32 : centralStart, 16);
  end.writeUInt16LE(0, 20); // comment length
  parts.push(end);
  return Buffer.concat(parts);
}
