// `compress: true`: a compressed copy of the package in a temporary folder, the user's folder left
// untouched. Each Code/Config/Data package folder a service manifest names becomes `<Name>.zip`
// (deterministic bytes, see zip-writer.ts); manifests and every other file are copied as they are,
// and a package that is already `<Name>.zip` is copied as is.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PackageLayout } from '../protocol/package-layout.js';
import { inParallel } from '../util/concurrency.js';
import { buildInWorkFolder, createWorkFolder, temporaryBase } from '../util/work-folder.js';
import type { PackageFile, ScannedPackage } from './package-scan.js';
import { writeDeterministicZip, type ZipEntry } from './zip-writer.js';
import { compareCodeUnits } from '../protocol/store-path.js';

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

/** A compressed copy being built: what to upload, with each zip ready once it is written. */
export interface CompressionRun {
  /**
   * The copy to upload, rooted in the temporary folder. The copied files are complete; each zip
   * has `ready` (its `size` is final once that resolves; the promise stays, resolved) and counts in
   * `totalBytes` from then on.
   */
  pkg: ScannedPackage;
  /** Every zip written (the same values as in `pkg`, final), or the first failure. Always observed. */
  finished: Promise<CompressedPackage>;
  /** Stops zipping, waits for the zips being written, and deletes the temporary folder. */
  dispose(): Promise<void>;
}

/**
 * Starts building the compressed copy of `pkg` (already validated: `layout` is its layout) under
 * `tempBase`: files that stay as they are are copied before this returns; the zips are written
 * after, two at a time in path order, so that the upload can send each as soon as it is complete
 * (an upload waits on a zip's `ready`). A failure rejects the zip's `ready`, every later one and
 * `finished`.
 */
export async function startCompression(pkg: ScannedPackage, layout: PackageLayout, tempBase = temporaryBase()): Promise<CompressionRun> {
  const stop = new AbortController();
  let finished: Promise<CompressedPackage> | undefined;
  const work = await createWorkFolder(tempBase, 'sfu-compressed-', async () => {
    stop.abort();
    await finished?.catch(() => undefined);
  });
  const root = path.join(work.path, path.basename(pkg.root) || 'package');
  const dispose = work.dispose;
  return buildInWorkFolder(work, async () => {
    const folders = layout.presentParts
      .filter(p => p.kind !== 'ServiceManifest' && !p.zipped)
      .map(p => p.path)
      .sort(compareCodeUnits);
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
      else entriesByFolder.get(folder)!.push(new PackageFileEntry(file.relativePath.slice(folder.length + 1), file));
    }
    // Empty folders inside a package folder are kept as folder entries, so that the zip holds what the folder holds.
    const keptFolders: string[] = [];
    const holding = foldersHoldingSomething(pkg);
    for (const folder of pkg.folders) {
      const owner = folder === '' ? undefined : zipped.has(folder) ? folder : zippedFolderOf(folder);
      if (owner === undefined) keptFolders.push(folder);
      else if (owner !== folder && !holding.has(folder)) entriesByFolder.get(owner)!.push({ name: `${folder.slice(owner.length + 1)}/` });
    }

    for (const folder of keptFolders) await fs.mkdir(localPath(root, folder), { recursive: true });
    const files: PackageFile[] = [];
    await inParallel(copied, 8, async file => {
      const target = localPath(root, file.relativePath);
      await fs.copyFile(file.localPath, target);
      const { size } = await fs.stat(target);
      files.push({ localPath: target, relativePath: file.relativePath, size });
    });

    const zips = folders.map(folder => {
      const zip = `${folder}.zip`;
      const file: PackageFile = { localPath: localPath(root, zip), relativePath: zip, size: 0 };
      const ready = deferred();
      file.ready = ready.promise;
      files.push(file);
      return { folder, file, ready };
    });
    files.sort((a, b) => compareCodeUnits(a.relativePath, b.relativePath));
    const copy: ScannedPackage = {
      root,
      files,
      folders: keptFolders,
      totalBytes: files.reduce((n, f) => n + f.size, 0),
      ignoredMarkFiles: 0,
      unmatchedPatterns: []
    };

    const compressed: CompressedPart[] = [];
    const writeZips = async (): Promise<CompressedPackage> => {
      try {
        await inParallel(
          zips,
          ZIP_PARALLELISM,
          async ({ folder, file, ready }) => {
            const entries = entriesByFolder.get(folder)!;
            file.size = await writeDeterministicZip(entries, file.localPath, { signal: stop.signal });
            copy.totalBytes += file.size;
            compressed.push({
              folder,
              zip: file.relativePath,
              files: entries.filter(e => e.localPath !== undefined).length,
              sourceBytes: entries.reduce((n, e) => n + (e.size ?? 0), 0),
              zipBytes: file.size
            });
            ready.resolve();
          },
          () => stop.signal.aborted
        );
        if (stop.signal.aborted) throw new Error('The compressed copy was stopped before every zip was written.');
      } catch (err) {
        for (const z of zips) z.ready.reject(err);
        throw err;
      }
      compressed.sort((a, b) => compareCodeUnits(a.folder, b.folder));
      return { pkg: copy, compressed, alreadyZipped, compressedBytes: copy.totalBytes, dispose };
    };
    finished = writeZips();
    finished.catch(() => undefined); // observed here; the caller awaits it, and each upload its zip's `ready`
    return { pkg: copy, finished, dispose };
  });
}

/** Builds the whole compressed copy of `pkg` before returning. On failure the temporary folder is deleted before the error is thrown. */
export async function compressPackage(pkg: ScannedPackage, layout: PackageLayout, tempBase = temporaryBase()): Promise<CompressedPackage> {
  const run = await startCompression(pkg, layout, tempBase);
  try {
    return await run.finished;
  } catch (err) {
    await run.dispose();
    throw err;
  }
}

/** A promise settled from outside, observed at once (a zip nobody waits for must not end as an unhandled rejection). */
function deferred(): { promise: Promise<void>; resolve(): void; reject(err: unknown): void } {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** A file's zip entry: its local path asked of the file when read, not kept per entry while the zips are written. */
class PackageFileEntry implements ZipEntry {
  constructor(
    readonly name: string,
    private readonly file: PackageFile
  ) {}

  get localPath(): string {
    return this.file.localPath;
  }

  get size(): number {
    return this.file.size;
  }
}

function localPath(root: string, rel: string): string {
  return rel === '' ? root : path.join(root, ...rel.split('/'));
}

/** Every folder with a file or a folder beneath it (one pass, not a search per folder: packages can hold thousands of each). */
function foldersHoldingSomething(pkg: ScannedPackage): Set<string> {
  const holding = new Set<string>();
  for (const p of [...pkg.files.map(f => f.relativePath), ...pkg.folders]) {
    const i = p.lastIndexOf('/');
    if (i > 0) holding.add(p.slice(0, i));
  }
  return holding;
}
