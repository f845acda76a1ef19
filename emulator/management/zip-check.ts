// What the image builder notices about a `<Name>.zip` package before extracting it: that it is a
// zip archive (its end of central directory, zip64 included) whose entries are relative paths.
// Entry data is not inflated: the emulator keeps packages as uploaded.

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;

/** Why the bytes are not a usable zip archive, or undefined when they are. */
export function zipProblem(bytes: Buffer): string | undefined {
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd < 0) return 'no end of central directory record';
  let entries = bytes.readUInt16LE(eocd + 10);
  let size = bytes.readUInt32LE(eocd + 12);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) return 'a zip64 archive without its zip64 locator';
    const at = Number(bytes.readBigUInt64LE(locator + 8));
    if (at + 56 > bytes.length || bytes.readUInt32LE(at) !== ZIP64_EOCD) return 'a broken zip64 end of central directory';
    entries = Number(bytes.readBigUInt64LE(at + 32));
    size = Number(bytes.readBigUInt64LE(at + 40));
    offset = Number(bytes.readBigUInt64LE(at + 48));
  }
  if (offset + size > bytes.length) return 'the central directory lies beyond the end of the file (truncated?)';
  let p = offset;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL_ENTRY) return `central directory entry ${i + 1} of ${entries} is damaged`;
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const name = bytes.toString('utf8', p + 46, p + 46 + nameLength);
    if (name.startsWith('/') || name.includes('\\') || /^[a-z]:/i.test(name) || name.split('/').includes('..')) {
      return `the entry '${name}' is not a relative path with '/' separators`;
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let p = bytes.length - 22; p >= lowest; p--) {
    if (bytes.readUInt32LE(p) === EOCD) return p;
  }
  return -1;
}
