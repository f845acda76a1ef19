// Finds the files and folders of the application package with @actions/glob, and maps local
// paths (platform separators) to store paths (always `/`).
import * as glob from '@actions/glob';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { inParallel } from '../util/concurrency.js';
import { Input, InputError } from '../action/inputs.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';

export interface PackageFile {
  /** Absolute local path. */
  localPath: string;
  /** Path relative to the package root, with `/`. */
  relativePath: string;
  size: number;
}

export interface ScannedPackage {
  root: string;
  files: PackageFile[];
  /** Every folder of the package relative to its root, with `/`; the root itself is ''. */
  folders: string[];
  totalBytes: number;
  /** `_.dir` files found in the package: the action writes its own, so these are not uploaded. */
  ignoredMarkFiles: number;
}

/** `root`-relative path of `localPath` with `/` separators, for either platform's paths. */
export function toStoreRelativePath(root: string, localPath: string, platform: path.PlatformPath = path): string {
  const relative = platform.relative(root, localPath);
  if (relative === '') return '';
  if (relative.startsWith('..') || platform.isAbsolute(relative)) {
    throw new Error(`'${localPath}' is not inside '${root}'`);
  }
  return relative.split(platform.sep).join('/');
}

/** Escapes glob metacharacters so that a folder name is matched literally. */
function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]]/g, ch => `[${ch}]`);
}

export async function scanPackage(packagePath: string, include: string[]): Promise<ScannedPackage> {
  const root = path.resolve(packagePath);
  const st = await fs.stat(root).catch(() => undefined);
  if (!st) throw new InputError(`'${Input.PackagePath}' ('${root}') does not exist: build the package first, or fix the path.`);
  if (!st.isDirectory()) {
    throw new InputError(`'${Input.PackagePath}' ('${root}') is a file: give the package folder (the one holding ApplicationManifest.xml).`);
  }
  const realRoot = await fs.realpath(root);
  const base = escapeGlob(root);
  const patterns = include.map(p =>
    p.startsWith('!') ? `!${base}/${p.slice(1).replace(/^[\\/]+/, '')}` : `${base}/${p.replace(/^[\\/]+/, '')}`
  );
  const globber = await glob.create(patterns.join('\n'), {
    followSymbolicLinks: true,
    implicitDescendants: true,
    matchDirectories: true,
    omitBrokenSymbolicLinks: false
  });
  const found: string[] = [];
  for await (const p of globber.globGenerator()) found.push(p);
  const files: PackageFile[] = [];
  const folders = new Set<string>(['']);
  let ignoredMarkFiles = 0;
  // Each path costs a few file-system calls: run them side by side rather than one after another.
  await inParallel(found, SCAN_PARALLELISM, async p => {
    const entry = await inspect(root, realRoot, p);
    if (entry.kind === 'folder') {
      addFolderAndAncestors(folders, entry.relativePath);
    } else if (entry.kind === 'file') {
      addFolderAndAncestors(folders, parentOf(entry.relativePath));
      if (path.basename(p) === MARK_FILE_NAME) ignoredMarkFiles++;
      else files.push({ localPath: p, relativePath: entry.relativePath, size: entry.size });
    }
  });
  if (files.length === 0) {
    const hasAnything = (await fs.readdir(root)).length > 0;
    throw new InputError(
      hasAnything
        ? `'${Input.Include}' (${include.join(', ')}) matched no file in '${Input.PackagePath}' ('${root}').`
        : `'${Input.PackagePath}' ('${root}') is empty: build the application package into it first.`
    );
  }
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return {
    root,
    files,
    folders: [...folders].sort(),
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    ignoredMarkFiles
  };
}

const SCAN_PARALLELISM = 32;

type Entry = { kind: 'folder'; relativePath: string } | { kind: 'file'; relativePath: string; size: number } | { kind: 'other' };

async function inspect(root: string, realRoot: string, found: string): Promise<Entry> {
  const relativePath = toStoreRelativePath(root, found);
  const real = await fs.realpath(found);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new InputError(`'${relativePath}' in '${Input.PackagePath}' is a link to '${real}', outside the package: copy the file into the package instead.`);
  }
  const info = await fs.stat(found);
  if (info.isDirectory()) return { kind: 'folder', relativePath };
  if (!info.isFile()) return { kind: 'other' };
  try {
    await fs.access(found, constants.R_OK);
  } catch {
    throw new InputError(`'${relativePath}' in '${Input.PackagePath}' cannot be read: check its permissions.`);
  }
  return { kind: 'file', relativePath, size: info.size };
}

function parentOf(relativePath: string): string {
  const i = relativePath.lastIndexOf('/');
  return i < 0 ? '' : relativePath.slice(0, i);
}

function addFolderAndAncestors(folders: Set<string>, folder: string): void {
  for (let f = folder; f !== '' && !folders.has(f); f = parentOf(f)) folders.add(f);
}
