// The `.sfpkg` the cluster downloads: a zip whose root is the package folder's content
// (ApplicationManifest.xml at its root), written with the project's deterministic zip writer in a
// temporary folder, so that the same package gives the same bytes, hence the same hash, on every run.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import type { ScannedPackage } from '../package/package-scan.js';
import { writeDeterministicZip, type ZipEntry } from '../package/zip-writer.js';
import { buildInWorkFolder, createWorkFolder } from '../util/work-folder.js';

export interface BuiltSfpkg {
  /** Absolute path of the `.sfpkg` in the temporary folder. */
  path: string;
  size: number;
  /** SHA-256 of the file's bytes, hex: compared with the blob's before reusing it. */
  sha256: string;
  /** Deletes the temporary folder; safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Zips `pkg` (the package, or its compressed copy once complete) into `<tempBase>/sfu-sfpkg-*\/<fileName>`.
 * The package folder is only read. Empty folders are kept as folder entries.
 */
export async function buildSfpkg(pkg: ScannedPackage, fileName: string, tempBase: string, signal?: AbortSignal): Promise<BuiltSfpkg> {
  const work = await createWorkFolder(tempBase, 'sfu-sfpkg-');
  return buildInWorkFolder(work, async () => {
    await Promise.all(pkg.files.flatMap(f => (f.ready ? [f.ready] : [])));
    const entries: ZipEntry[] = pkg.files.map(f => ({ name: f.relativePath, localPath: f.localPath, size: f.size }));
    for (const folder of emptyFolders(pkg)) entries.push({ name: `${folder}/` });
    const zipPath = path.join(work.path, fileName);
    const size = await writeDeterministicZip(entries, zipPath, { signal });
    return { path: zipPath, size, sha256: await sha256Of(zipPath), dispose: work.dispose };
  });
}

function emptyFolders(pkg: ScannedPackage): string[] {
  const holding = new Set<string>();
  for (const p of [...pkg.files.map(f => f.relativePath), ...pkg.folders]) {
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) holding.add(p.slice(0, i));
  }
  return pkg.folders.filter(f => f !== '' && !holding.has(f));
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
