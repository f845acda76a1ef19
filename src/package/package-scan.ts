// Finds the files and folders of the application package, and maps local paths (platform
// separators) to store paths (always `/`). The default include ('**') walks the package folder
// (walk-package.ts); other include patterns go through @actions/glob for its matching rules.
import * as glob from '@actions/glob';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { inParallel } from '../util/concurrency.js';
import { type Reporter } from '../util/reporter.js';
import { CANONICAL_NAMES, SettingError as InputError, type SettingNames } from '../util/settings.js';
import { MARK_FILE_NAME } from '../protocol/error-codes.js';
import { findNameProblems } from './store-names.js';
import {
  BrokenLinkError,
  depthFirstKey,
  FoundFile,
  isInsidePackage,
  linkOutsideError,
  unreadableFileError,
  walkPackage,
  type PackageListing
} from './walk-package.js';
import { compareCodeUnits } from '../protocol/store-path.js';

export interface PackageFile {
  /** Absolute local path. */
  localPath: string;
  /** Path relative to the package root, with `/`. */
  relativePath: string;
  size: number;
  /** Set on a file written while the upload runs (a zip of the compressed copy): `size` is final once it resolves. */
  ready?: Promise<void>;
}

export interface ScannedPackage {
  root: string;
  files: PackageFile[];
  /** Every folder of the package relative to its root, with `/`; the root itself is ''. */
  folders: string[];
  totalBytes: number;
  /** `_.dir` files found in the package: the action writes its own, so these are not uploaded. */
  ignoredMarkFiles: number;
  /** Include patterns that select nothing on their own (worth a warning). */
  unmatchedPatterns: string[];
}

export const APPLICATION_MANIFEST = 'ApplicationManifest.xml';

/** `root`-relative path of `localPath` with `/` separators, for either platform's paths. */
export function toStoreRelativePath(root: string, localPath: string, platform: path.PlatformPath = path): string {
  const relative = platform.relative(root, localPath);
  if (relative === '') return '';
  if (relative.startsWith('..') || platform.isAbsolute(relative)) {
    throw new Error(`'${localPath}' is not inside '${root}'`);
  }
  return relative.split(platform.sep).join('/');
}

/**
 * Escapes a literal path for @actions/glob, by its own rule (Pattern.globEscape in
 * @actions/glob/lib/internal-pattern.js, which it does not export): `\` doubled except on
 * Windows, where it separates; `[` escaped when a `]` follows in the same segment; `?` and `*`.
 * Braces, `!`, `#` and extglobs need nothing: it runs minimatch with nobrace, nonegate, nocomment
 * and noext, and our patterns always begin with the absolute root.
 */
export function escapeGlob(literal: string, windows = process.platform === 'win32'): string {
  return (windows ? literal : literal.replace(/\\/g, '\\\\'))
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]');
}

/**
 * An include pattern relative to the package root: a leading `./` is dropped; `.` and `..`
 * segments elsewhere are refused (the package root is the only base).
 */
export function normalizeIncludePattern(pattern: string, names: SettingNames = CANONICAL_NAMES): string {
  const negated = pattern.startsWith('!');
  let body = (negated ? pattern.slice(1) : pattern).replace(/^[\\/]+/, '');
  while (body.startsWith('./') || body.startsWith('.\\')) body = body.slice(2);
  if (body === '.' || body === '') body = '**';
  if (body.split(/[\\/]/).some(s => s === '.' || s === '..')) {
    throw new InputError(
      `'${names.Include}' pattern '${pattern}' has a '.' or '..' segment: patterns are relative to '${names.PackagePath}', so write it without them (for example 'Svc/**').`
    );
  }
  return negated ? `!${body}` : body;
}

/** A scan error as one sentence naming the input and the fix (broken link, unreadable folder). */
export function describeScanError(err: unknown, root: string, names: SettingNames = CANONICAL_NAMES): Error {
  if (err instanceof InputError) return err;
  const e = err as NodeJS.ErrnoException;
  const brokenPath =
    err instanceof BrokenLinkError
      ? err.linkPath
      : /No information found for the path '(.*)'\. This may indicate a broken symbolic link/.exec(e?.message ?? '')?.[1];
  const where = (p: string | undefined) => {
    if (p === undefined) return `a path in '${names.PackagePath}'`;
    const rel = path.relative(root, p).split(path.sep).join('/');
    return rel === '' || rel.startsWith('..') ? `'${p}'` : `'${rel}' in '${names.PackagePath}'`;
  };
  if (brokenPath !== undefined) {
    const rel = path.relative(root, brokenPath).split(path.sep).join('/');
    return new InputError(`${where(brokenPath)} is a broken symbolic link: fix its target or delete it, or leave it out with '!${rel}' in '${names.Include}'.`);
  }
  if (e?.code === 'EACCES' || e?.code === 'EPERM') {
    return new InputError(`${where(e.path)} cannot be read (${e.code}): check its permissions, or leave it out in '${names.Include}'.`);
  }
  if (e?.code === 'ELOOP') return new InputError(`${where(e.path)} is a symbolic link that loops: fix or delete it.`);
  const message = e instanceof Error ? e.message : String(err);
  return new InputError(`Scanning '${names.PackagePath}' ('${root}') with '${names.Include}' failed: ${message}`);
}

export interface ScanOptions {
  /** List with @actions/glob even for the default include '**' (the path before walk-package.ts; for tests and measurements). */
  useGlob?: boolean;
  /** How the front door names its settings (canonical names without one). */
  names?: SettingNames;
  /** Where debug lines go; nothing is printed without one. */
  reporter?: Reporter;
}

export async function scanPackage(packagePath: string, include: string[], options: ScanOptions = {}): Promise<ScannedPackage> {
  const root = path.resolve(packagePath);
  const names = options.names ?? CANONICAL_NAMES;
  const st = await fs.stat(root).catch(() => undefined);
  if (!st) throw new InputError(`'${names.PackagePath}' ('${root}') does not exist: build the package first, or fix the path.`);
  if (!st.isDirectory()) {
    throw new InputError(`'${names.PackagePath}' ('${root}') is a file: give the package folder (the one holding ApplicationManifest.xml).`);
  }
  const realRoot = await fs.realpath(root);
  const base = escapeGlob(root);
  const relativePatterns = include.map(p => normalizeIncludePattern(p, names));
  const absolute = (p: string) => (p.startsWith('!') ? `!${base}/${p.slice(1)}` : `${base}/${p}`);
  let listing: PackageListing;
  if (relativePatterns.join('\n') === '**' && !options.useGlob) {
    // Everything: walk the folder rather than have glob match each path (same result, much sooner).
    try {
      listing = await walkPackage(root, realRoot, { names, reporter: options.reporter });
    } catch (err) {
      throw describeScanError(err, root, names);
    }
  } else {
    listing = await listWithGlob(root, realRoot, relativePatterns.map(absolute).join('\n'), names);
  }
  const { files, folders, ignoredMarkFiles } = listing;
  if (files.length === 0) {
    const hasAnything = (await fs.readdir(root)).length > 0;
    throw new InputError(
      hasAnything
        ? `'${names.Include}' (${include.join(', ')}) matched no file in '${names.PackagePath}' ('${root}').`
        : `'${names.PackagePath}' ('${root}') is empty: build the application package into it first.`
    );
  }
  const manifest = files.find(f => f.relativePath === APPLICATION_MANIFEST);
  if (!manifest) {
    throw new InputError(
      `'${names.PackagePath}' ('${root}') has no ${APPLICATION_MANIFEST} at its root${include.join() === '**' ? '' : ` among the files '${names.Include}' selects`}: give the folder of the application package (the one holding ${APPLICATION_MANIFEST}).`
    );
  }
  // Sorted, so that the message is the same whatever order the file system lists the folders in.
  const nameProblems = findNameProblems([...files.map(f => f.relativePath), ...folders].sort());
  if (nameProblems.length > 0) {
    const shown = nameProblems.slice(0, 5).map(p => `'${p.path}' (${p.reason})`);
    const more = nameProblems.length > 5 ? `, and ${nameProblems.length - 5} more` : '';
    throw new InputError(
      `${nameProblems.length === 1 ? 'A name' : `${nameProblems.length} names`} in '${names.PackagePath}' cannot be stored on a Windows cluster: ${shown.join('; ')}${more}. Rename ${nameProblems.length === 1 ? 'it' : 'them'}, or leave ${nameProblems.length === 1 ? 'it' : 'them'} out with '!' patterns in '${names.Include}'.`
    );
  }
  files.sort((a, b) => compareCodeUnits(a.relativePath, b.relativePath));
  return {
    root,
    files,
    folders: [...folders].sort(),
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    ignoredMarkFiles,
    unmatchedPatterns: relativePatterns.length > 1 ? await unmatchedPatterns(root, base, include, relativePatterns) : []
  };
}

/** The files and folders @actions/glob finds for `patterns` (absolute, escaped), each inspected. Exported for the tests. */
export async function listWithGlob(root: string, realRoot: string, patterns: string, names: SettingNames = CANONICAL_NAMES): Promise<PackageListing> {
  const found: string[] = [];
  try {
    const globber = await glob.create(patterns, GLOB_OPTIONS);
    for await (const p of globber.globGenerator()) found.push(p);
  } catch (err) {
    throw describeScanError(err, root, names);
  }
  const listing: PackageListing = { files: [], folders: new Set<string>(['']), ignoredMarkFiles: 0 };
  // Each path costs a few file-system calls: run them side by side rather than one after another.
  // When several fail (a link to a folder outside, and each file under it), inParallel throws the
  // first in the walk's order (glob's is readdir's), not the first to settle: the same package
  // always gets the same message.
  const keyed = found.map(p => ({ p, key: depthFirstKey(p, path.sep) })).sort((a, b) => compareCodeUnits(a.key, b.key));
  await inParallel(
    keyed.map(k => k.p),
    SCAN_PARALLELISM,
    async p => {
      const entry = await inspect(root, realRoot, p, names);
      if (entry.kind === 'folder') {
        addFolderAndAncestors(listing.folders, entry.relativePath);
      } else if (entry.kind === 'file') {
        addFolderAndAncestors(listing.folders, parentOf(entry.relativePath));
        if (path.basename(p) === MARK_FILE_NAME) listing.ignoredMarkFiles++;
        else listing.files.push(new FoundFile(root, entry.relativePath, entry.size));
      }
    }
  );
  return listing;
}

const GLOB_OPTIONS: glob.GlobOptions = {
  followSymbolicLinks: true,
  implicitDescendants: true,
  matchDirectories: true,
  omitBrokenSymbolicLinks: false
};

/** The include patterns (as the user wrote them) that select nothing on their own. */
async function unmatchedPatterns(root: string, base: string, include: string[], relativePatterns: string[]): Promise<string[]> {
  const unmatched: string[] = [];
  for (const [i, written] of include.entries()) {
    const p = relativePatterns[i];
    if (p === undefined) throw new Error('internal: one relative pattern per include pattern');
    if (p.startsWith('!')) continue;
    const globber = await glob.create(`${base}/${p}`, { ...GLOB_OPTIONS, omitBrokenSymbolicLinks: true });
    let matched = false;
    for await (const found of globber.globGenerator()) {
      if (found !== root) {
        matched = true;
        break;
      }
    }
    if (!matched) unmatched.push(written);
  }
  return unmatched;
}

const SCAN_PARALLELISM = 32;

type Entry = { kind: 'folder'; relativePath: string } | { kind: 'file'; relativePath: string; size: number } | { kind: 'other' };

async function inspect(root: string, realRoot: string, found: string, names: SettingNames): Promise<Entry> {
  const relativePath = toStoreRelativePath(root, found);
  const real = await fs.realpath(found);
  if (!isInsidePackage(real, realRoot)) throw linkOutsideError(relativePath, real, names);
  const info = await fs.stat(found);
  if (info.isDirectory()) return { kind: 'folder', relativePath };
  if (!info.isFile()) return { kind: 'other' };
  try {
    await fs.access(found, constants.R_OK);
  } catch {
    throw unreadableFileError(relativePath, names);
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
