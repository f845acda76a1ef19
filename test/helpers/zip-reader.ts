// Reads a zip back (yauzl, a devDependency) for the tests: every entry with its bytes and metadata.
import yauzl from 'yauzl';

export interface ReadEntry {
  name: string;
  /** Undefined for a folder entry (`name` ends with `/`). */
  content?: Buffer;
  compressionMethod: number;
  dosDate: number;
  dosTime: number;
  externalAttributes: number;
  extraFieldIds: number[];
}

export async function readZip(zipPath: string): Promise<ReadEntry[]> {
  const zip = await yauzl.openPromise(zipPath, { decodeStrings: true, validateEntrySizes: true });
  const entries: ReadEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const meta = {
        name: entry.fileName,
        compressionMethod: entry.compressionMethod,
        dosDate: entry.lastModFileDate,
        dosTime: entry.lastModFileTime,
        externalAttributes: entry.externalFileAttributes,
        extraFieldIds: entry.extraFields.map(f => f.id)
      };
      if (entry.fileName.endsWith('/')) {
        entries.push(meta);
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
      entries.push({ ...meta, content: Buffer.concat(chunks) });
    }
  } finally {
    zip.close();
  }
  return entries;
}
