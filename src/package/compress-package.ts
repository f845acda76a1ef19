// `compress: true`: a compressed copy of the package in a temporary folder, the user's folder left
// untouched. Each Code/Config/Data package folder a service manifest names becomes `<Name>.zip`
// (deterministic bytes, see zip-writer.ts); manifests and every other file are copied as they are,
// and a package that is already `<Name>.zip` is copied as is.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PackageLayout } from '../protocol/package-layout.js';
import { inParallel } from '../util/concurrency.js';
import type { PackageFile, ScannedPackage } from './package-scan.js';
import { writeDeterministicZip, type ZipEntry } from './zip-writer.js';

export interface CompressedPart {
  /** The package folder, relative to the package root: `VotingWebPkg/Code`. */
  folder: string;
  /** The zip, relative to the package root: `VotingWebPkg/Code.zip`. */
  zip: string;
  files: number;
  sourceBytes: number;
  zipBytes: number;
}

export interface CompressedPackage {
  /** The copy to upload, rooted in the temporary folder. */
  pkg: ScannedPackage;
  compressed: CompressedPart[];
  /** Packages that were already `<Name>.zip`, uploaded as they are. */
  alreadyZipped: string[];
  /** Bytes of the copy's files: what the upload sends. */
  compressedBytes: number;
  /** Deletes the temporary folder. */
  dispose(): Promise<void>;
}

/** Zips built at once. Each zip already reads and deflates several files at once (zip-writer.ts); two zips keep libuv's four threads busy between a zip's large files, and a third or fourth only added memory in measurement. */
const ZIP_PARALLELISM = 2;

/** The temporary folder's parent: the runner's RUNNER_TEMP (emptied after every job), else the OS's. */
export function temporaryBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_TEMP && env.RUNNER_TEMP.trim() !== '' ? env.RUNNER_TEMP : os.tmpdir();
}

/**
 * Builds the compressed copy of `pkg` (already validated: `layout` is its layout) under
 * `tempBase`. On failure the temporary folder is deleted before the error is thrown.
 */
export async function compressPackage(pkg: ScannedPackage, layout: PackageLayout, tempBase = temporaryBase()): Promise<CompressedPackage> {
  const work = await fs.mkdtemp(path.join(tempBase, 'sfu-compressed-'));
  const root = path.join(work, path.basename(pkg.root) || 'package');
  const dispose = () => fs.rm(work, { recursive: true, force: true });
  try {
    const folders = layout.presentParts.filter(p => p.kind !== 'ServiceManifest' && !p.zipped).map(p => p.path);
    const alreadyZipped = layout.presentParts.filter(p => p.kind !== 'ServiceManifest' && p.zipped).map(p => p.path);
    const zipped = new Set(folders);
    const zippedFolderOf = (rel: string) => {
      for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
        const ancestor = rel.slice(0, i);
        if (zipped.has(ancestor)) return ancestor;
      }
      return undefined;
    };

    const entriesByFolder = new Map<string, ZipEntry[]>(folders.map(f => [f, []]));
    const copied: PackageFile[] = [];
    for (const file of pkg.files) {
      const folder = zippedFolderOf(file.relativePath);
      if (folder === undefined) copied.push(file);
      else entriesByFolder.get(folder)!.push({ name: file.relativePath.slice(folder.length + 1), localPath: file.localPath, size: file.size });
    }
    // Empty folders inside a package folder are kept as folder entries, so that the zip holds what the folder holds.
    const keptFolders: string[] = [];
    for (const folder of pkg.folders) {
      const owner = folder === '' ? undefined : zipped.has(folder) ? folder : zippedFolderOf(folder);
      if (owner === undefined) keptFolders.push(folder);
      else if (owner !== folder && isEmptyLeaf(pkg, folder)) entriesByFolder.get(owner)!.push({ name: `${folder.slice(owner.length + 1)}/` });
    }

    for (const folder of keptFolders) await fs.mkdir(localPath(root, folder), { recursive: true });
    const files: PackageFile[] = [];
    await inParallel(copied, 8, async file => {
      const target = localPath(root, file.relativePath);
      await fs.copyFile(file.localPath, target);
      const { size } = await fs.stat(target);
      files.push({ localPath: target, relativePath: file.relativePath, size });
    });

    const compressed: CompressedPart[] = [];
    await inParallel(folders, ZIP_PARALLELISM, async folder => {
      const entries = entriesByFolder.get(folder)!;
      const zip = `${folder}.zip`;
      const target = localPath(root, zip);
      const zipBytes = await writeDeterministicZip(entries, target);
      files.push({ localPath: target, relativePath: zip, size: zipBytes });
      compressed.push({
        folder,
        zip,
        files: entries.filter(e => e.localPath !== undefined).length,
        sourceBytes: entries.reduce((n, e) => n + (e.size ?? 0), 0),
        zipBytes
      });
    });

    files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
    compressed.sort((a, b) => (a.folder < b.folder ? -1 : 1));
    const compressedBytes = files.reduce((n, f) => n + f.size, 0);
    return {
      pkg: { root, files, folders: keptFolders, totalBytes: compressedBytes, ignoredMarkFiles: 0, unmatchedPatterns: [] },
      compressed,
      alreadyZipped,
      compressedBytes,
      dispose
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

function localPath(root: string, rel: string): string {
  return rel === '' ? root : path.join(root, ...rel.split('/'));
}

/** A folder with no file and no folder beneath it. */
function isEmptyLeaf(pkg: ScannedPackage, folder: string): boolean {
  const prefix = `${folder}/`;
  return !pkg.files.some(f => f.relativePath.startsWith(prefix)) && !pkg.folders.some(f => f.startsWith(prefix));
}
