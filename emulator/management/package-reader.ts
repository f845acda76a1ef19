// Reads an application package from the Image Store for the image builder: a view for the layout
// rules, and the checksums the cluster keeps of each part (cluster management reference,
// "Compressed packages": the zip's bytes, or a folder's sorted file names and contents).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MARK_FILE_NAME } from '../../src/protocol/error-codes.js';
import { type PackageView, packageViewOf, SERVICE_MANIFEST_FILE, APPLICATION_MANIFEST_FILE } from '../../src/protocol/package-layout.js';
import type { ContentStore } from '../content-store.js';
import { zipProblem } from './zip-check.js';

export interface StoredPackage {
  view: PackageView;
  /**
   * A part's SHA-256 (hex): of `<Name>.zip` bytes, or of a folder's sorted file names and contents;
   * and, for a zip, why it is not a usable archive.
   */
  inspectPart(relPath: string, zipped: boolean): Promise<{ checksum: string; zipProblem?: string }>;
}

/** Undefined when the folder does not exist in the store. */
export async function readStoredPackage(store: ContentStore, storePath: string): Promise<StoredPackage | undefined> {
  const st = await store.stat(storePath);
  if (!st?.isDirectory()) return undefined;
  return readPackageFolder(store.diskPath(storePath));
}

/**
 * Only the package folder's root, as the cluster reads it before accepting an asynchronous provision:
 * its mark file and ApplicationManifest.xml (undefined when the folder does not exist in the store).
 */
export async function readStoredPackageRoot(store: ContentStore, storePath: string): Promise<{ marked: boolean; manifestXml: string | undefined } | undefined> {
  const st = await store.stat(storePath);
  if (!st?.isDirectory()) return undefined;
  const root = store.diskPath(storePath);
  const entries = await fs.readdir(root, { withFileTypes: true });
  const isFile = (name: string) => entries.some(e => e.name === name && e.isFile());
  const manifestXml = isFile(APPLICATION_MANIFEST_FILE) ? await fs.readFile(path.join(root, APPLICATION_MANIFEST_FILE), 'utf8') : undefined;
  return { marked: isFile(MARK_FILE_NAME), manifestXml };
}

/** A package in a folder on disk (the store's, or an unpacked `.sfpkg`). */
export async function readPackageFolder(root: string): Promise<StoredPackage> {
  const files: string[] = [];
  const folders: string[] = [];
  for (const e of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    const rel = path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    if (e.isFile()) files.push(rel);
    else if (e.isDirectory()) folders.push(rel);
  }
  // Only manifests are read as text: the application manifest and each service folder's manifest.
  const texts = new Map<string, string>();
  for (const rel of files) {
    const segments = rel.split('/');
    const isManifest = rel === APPLICATION_MANIFEST_FILE || (segments.length === 2 && segments[1] === SERVICE_MANIFEST_FILE);
    if (isManifest) texts.set(rel, await fs.readFile(path.join(root, ...segments), 'utf8'));
  }
  return {
    view: packageViewOf(files, rel => texts.get(rel), folders),
    inspectPart: async (rel, zipped) => {
      const disk = path.join(root, ...rel.split('/'));
      if (!zipped) return { checksum: await folderChecksum(disk) };
      const bytes = await fs.readFile(disk);
      return { checksum: createHash('sha256').update(bytes).digest('hex'), zipProblem: zipProblem(bytes) };
    }
  };
}

/** Mark files are left out: they say the folder is complete, not what it holds. */
async function folderChecksum(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const files: string[] = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name !== MARK_FILE_NAME) files.push(path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }
  files.sort();
  for (const rel of files) {
    const bytes = await fs.readFile(path.join(dir, ...rel.split('/')));
    hash.update(`${rel}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}
