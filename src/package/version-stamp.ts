// `version-stamp: content`: versions that follow the content (docs/versions.md). Each Code, Config
// and Data package gets `<declared>-<digest of its files>`, each service manifest
// `<declared>-<digest of its text with those versions>`, the application type
// `<declared>-<digest of its manifest with the service versions>`. The stamped manifests are written
// to a temporary folder; every other file is still read from the user's folder, which is never
// written. Everything is checked before anything is written, and before any request.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import type { ServicePackageKind } from '../protocol/manifests.js';
import { APPLICATION_MANIFEST_FILE, type PackageLayout, type PresentPart, SERVICE_MANIFEST_FILE } from '../protocol/package-layout.js';
import { inParallel } from '../util/concurrency.js';
import { type DigestEntry, listingDigest, sha256OfFile, textDigest } from './content-digest.js';
import {
  type AttributeEdit,
  applicationManifestVersions,
  DECLARED_VERSION,
  declaredVersion,
  decodeManifest,
  encodeManifest,
  rewriteAttributes,
  serviceManifestVersions,
  stampedVersion
} from './manifest-versions.js';
import type { PackageFile, ScannedPackage } from './package-scan.js';
import { buildInWorkFolder, createWorkFolder, temporaryBase } from '../util/work-folder.js';

/** The stamp cannot be applied: the message lists every problem, with what to do. */
export class VersionStampError extends Error {
  override name = 'VersionStampError';
}

export type StampKind = 'ApplicationType' | 'ServiceManifest' | ServicePackageKind;

export interface StampRow {
  kind: StampKind;
  /** The service manifest's name (for the application type: the type's name). */
  service: string;
  /** The package's name; a service manifest's or the type's own name again. */
  name: string;
  /** The version as declared (a stamp found in the manifest left off). */
  declared: string;
  /** The version as the manifest had it. */
  found: string;
  stamped: string;
  /** Files of the package left out of its digest by `version-stamp-ignore`. */
  ignoredFiles: number;
}

export interface StampedPackage {
  /** The package with its stamped manifests, rooted in the temporary folder. */
  pkg: ScannedPackage;
  typeName: string;
  /** The stamped application type version. */
  typeVersion: string;
  /** The application type, then each service manifest followed by its packages. */
  rows: StampRow[];
  /** `version-stamp-ignore` patterns that match no file of any package. */
  unmatchedIgnore: string[];
  /** Deletes the temporary folder; safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Longest application type version the cluster provisions: ClusterManager's
 * MaxApplicationTypeVersionLength, 256 by default (read from the runtime's ManagementConfig).
 */
export const MAX_TYPE_VERSION_LENGTH = 256;
/**
 * Longest file name on the cluster's and the nodes' file systems. [undoc: the runtime stores a
 * package as `<ServiceManifestName>.<PackageName>.<Version>` and a service manifest as
 * `<ServiceManifestName>.Manifest.<Version>.xml`, each with a checksum file beside it; we require
 * those names with `.checksum` added to fit 255 characters, NTFS's and ext4's limit.]
 */
export const MAX_STORE_NAME_LENGTH = 255;
const CHECKSUM_SUFFIX = '.checksum';

const FILE_DIGESTS_AT_ONCE = 8;

export interface StampOptions {
  /** `version-stamp-ignore`: globs of files left out of the digests. */
  ignore?: string[];
  /** Whether `compress` uploads the package folders as zips (their digests then differ from the folders'). */
  compressed?: boolean;
  tempBase?: string;
}

/** Stamps the versions of a validated package (`layout` is its layout). The user's folder is only read. */
export async function stampPackageVersions(pkg: ScannedPackage, layout: PackageLayout, options: StampOptions = {}): Promise<StampedPackage> {
  const app = layout.applicationManifest;
  if (!app) throw new VersionStampError('The package has no readable ApplicationManifest.xml to stamp.');
  if (layout.reusedParts.length > 0) {
    throw new VersionStampError(
      `'version-stamp: content' computes each version from the package's files, but the package lacks ${layout.reusedParts.map(p => `'${p.serviceManifestName}/${p.name}'`).join(', ')}: build the whole package into 'package-path' and let 'diff-package' leave out what the cluster holds.`
    );
  }
  const problems: string[] = [];
  const ignore = ignoreMatcher(options.ignore ?? []);
  const files = new Map(pkg.files.map(f => [f.relativePath, f]));

  const partRows = new Map<string, StampRow>();
  const parts = layout.presentParts.filter(p => p.kind !== 'ServiceManifest');
  const emptyFolders = foldersHoldingNothing(pkg);
  await inParallel(parts, 2, async part => {
    const { digest, ignoredFiles } = await partDigest(pkg, part, emptyFolders, ignore, options.compressed ?? false);
    const row = stampRow(part.kind, part.serviceManifestName, part.name, part.version, digest, ignoredFiles, problems);
    const storeName = `${part.serviceManifestName}.${part.name}.${row.stamped}${CHECKSUM_SUFFIX}`;
    if (storeName.length > MAX_STORE_NAME_LENGTH) problems.push(tooLong(`${part.kind} '${part.name}' of '${part.serviceManifestName}'`, row, storeName));
    partRows.set(partId(part.serviceManifestName, part.kind, part.name), row);
  });

  const rows: StampRow[] = [];
  const written = new Map<string, Buffer>();
  const serviceRows = new Map<string, StampRow>();
  for (const ref of app.serviceManifestImports) {
    const rel = `${ref.name}/${SERVICE_MANIFEST_FILE}`;
    const { text, encoding } = decodeManifest(await fs.readFile(files.get(rel)!.localPath));
    const versions = serviceManifestVersions(text, rel);
    const edits: AttributeEdit[] = [];
    const own: StampRow[] = [];
    for (const p of versions.parts) {
      const row = partRows.get(partId(ref.name, p.kind, p.name));
      if (row === undefined) continue; // a container code package: nothing in the package to digest
      edits.push({ span: p.version, value: row.stamped });
      own.push(row);
    }
    for (const part of parts.filter(p => p.serviceManifestName === ref.name)) {
      if (!own.some(r => r.kind === part.kind && r.name === part.name)) {
        problems.push(`The ${part.kind} '${part.name}' in ${rel} could not be found in the text to stamp its version: write its Name without XML entities.`);
      }
    }
    const declared = declaredVersion(versions.self.value);
    const digest = textDigest(rewriteAttributes(text, [...edits, { span: versions.self, value: declared }]));
    const row = stampRow('ServiceManifest', ref.name, ref.name, versions.self.value, digest, 0, problems);
    const storeName = `${ref.name}.Manifest.${row.stamped}.xml${CHECKSUM_SUFFIX}`;
    if (storeName.length > MAX_STORE_NAME_LENGTH) problems.push(tooLong(`The service manifest '${ref.name}'`, row, storeName));
    written.set(rel, encodeManifest(rewriteAttributes(text, [...edits, { span: versions.self, value: row.stamped }]), encoding));
    serviceRows.set(ref.name, row);
    rows.push(row, ...own);
  }

  const appFile = files.get(APPLICATION_MANIFEST_FILE)!;
  const { text, encoding } = decodeManifest(await fs.readFile(appFile.localPath));
  const versions = applicationManifestVersions(text, APPLICATION_MANIFEST_FILE);
  const edits: AttributeEdit[] = [];
  for (const i of versions.imports) {
    const row = serviceRows.get(i.name);
    if (row) edits.push({ span: i.version, value: row.stamped });
  }
  const digest = textDigest(rewriteAttributes(text, [...edits, { span: versions.self, value: declaredVersion(versions.self.value) }]));
  const typeRow = stampRow('ApplicationType', app.typeName, app.typeName, versions.self.value, digest, 0, problems);
  if (typeRow.stamped.length > MAX_TYPE_VERSION_LENGTH) {
    problems.push(
      `The stamped application type version '${typeRow.stamped}' has ${typeRow.stamped.length} characters; the cluster takes at most ${MAX_TYPE_VERSION_LENGTH}: shorten ApplicationTypeVersion '${typeRow.declared}' in ${APPLICATION_MANIFEST_FILE}.`
    );
  }
  written.set(APPLICATION_MANIFEST_FILE, encodeManifest(rewriteAttributes(text, [...edits, { span: versions.self, value: typeRow.stamped }]), encoding));
  if (problems.length > 0) {
    const unique = [...new Set(problems)].sort(); // packages are digested side by side: one order whatever finishes first
    throw new VersionStampError(
      `'version-stamp: content' cannot stamp this package (nothing was sent to the cluster): ${unique.length === 1 ? unique[0] : unique.map((p, n) => `(${n + 1}) ${p}`).join(' ')}`
    );
  }

  const work = await createWorkFolder(options.tempBase ?? temporaryBase(), 'sfu-stamped-');
  const root = path.join(work.path, path.basename(pkg.root) || 'package');
  return buildInWorkFolder(work, async () => {
    const stampedFiles: PackageFile[] = [];
    for (const f of pkg.files) {
      const bytes = written.get(f.relativePath);
      if (bytes === undefined) {
        stampedFiles.push(f);
        continue;
      }
      const localPath = path.join(root, ...f.relativePath.split('/'));
      await fs.mkdir(path.dirname(localPath), { recursive: true });
      await fs.writeFile(localPath, bytes);
      stampedFiles.push({ localPath, relativePath: f.relativePath, size: bytes.length });
    }
    return {
      pkg: { ...pkg, root, files: stampedFiles, totalBytes: stampedFiles.reduce((n, f) => n + f.size, 0) },
      typeName: app.typeName,
      typeVersion: typeRow.stamped,
      rows: [typeRow, ...rows],
      unmatchedIgnore: ignore.unmatched(),
      dispose: work.dispose
    };
  });
}

function partId(service: string, kind: string, name: string): string {
  return `${service}\u0000${kind}\u0000${name}`;
}

function stampRow(kind: StampKind, service: string, name: string, found: string, digest: string, ignoredFiles: number, problems: string[]): StampRow {
  const declared = declaredVersion(found);
  if (!DECLARED_VERSION.test(declared)) {
    const what =
      kind === 'ApplicationType'
        ? `ApplicationTypeVersion '${found}' in ${APPLICATION_MANIFEST_FILE}`
        : `The ${kind === 'ServiceManifest' ? 'Version' : `${kind} '${name}' Version`} '${found}' in ${service}/${SERVICE_MANIFEST_FILE}`;
    problems.push(
      `${what} cannot take a stamp: a declared version may hold only letters, digits, '.', '_' and '-', and begins with a letter or a digit (for example 1.2.0).`
    );
  }
  return { kind, service, name, declared, found, stamped: stampedVersion(declared, digest), ignoredFiles };
}

function tooLong(what: string, row: StampRow, storeName: string): string {
  return `${what} would get the version '${row.stamped}', and the cluster would store it as '${storeName}' (${storeName.length} characters, more than ${MAX_STORE_NAME_LENGTH}): shorten its declared version '${row.declared}' or its name.`;
}

/** Folders of the package with no file and no folder beneath them. */
function foldersHoldingNothing(pkg: ScannedPackage): Set<string> {
  const holding = new Set<string>();
  const addAncestors = (rel: string) => {
    for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) holding.add(rel.slice(0, i));
  };
  for (const f of pkg.files) addAncestors(f.relativePath);
  for (const f of pkg.folders) addAncestors(f);
  return new Set(pkg.folders.filter(f => f !== '' && !holding.has(f)));
}

/**
 * A package's digest: its files' paths relative to the package folder and their bytes, and its
 * empty folders (a zip of the folder holds them). A package that is already `<Name>.zip` counts as
 * that one file; `version-stamp-ignore` does not look inside it.
 */
async function partDigest(
  pkg: ScannedPackage,
  part: PresentPart,
  emptyFolders: Set<string>,
  ignore: IgnoreMatcher,
  compressed: boolean
): Promise<{ digest: string; ignoredFiles: number }> {
  if (part.zipped) {
    const zip = pkg.files.find(f => f.relativePath === part.path)!;
    return { digest: listingDigest([{ path: path.posix.basename(part.path), sha256: await sha256OfFile(zip.localPath) }]), ignoredFiles: 0 };
  }
  const prefix = `${part.path}/`;
  const inside = pkg.files.filter(f => f.relativePath.startsWith(prefix));
  const counted = inside.filter(f => !ignore.matches(f.relativePath));
  const entries: DigestEntry[] = [];
  await inParallel(counted, FILE_DIGESTS_AT_ONCE, async f => {
    entries.push({ path: f.relativePath.slice(prefix.length), sha256: await sha256OfFile(f.localPath) });
  });
  const empty = [...emptyFolders].filter(f => f.startsWith(prefix)).map(f => f.slice(prefix.length));
  return { digest: listingDigest(entries, empty, compressed), ignoredFiles: inside.length - counted.length };
}

export interface IgnoreMatcher {
  /** Whether a package-relative path (`/`-separated) is left out of the digests. */
  matches(relPath: string): boolean;
  /** The patterns that matched nothing so far. */
  unmatched(): string[];
}

/**
 * `version-stamp-ignore`: globs relative to the package root (`**\/*.pdb`, `WebPkg/Code/*.xml`),
 * matched by minimatch (the matcher @actions/glob uses) without regard to case, dot files included.
 * [undoc: case-insensitive because the packages come from Windows builds as often as not, where
 * `App.PDB` and `App.pdb` are the same kind of file.]
 * A `\` in a pattern separates folders, as on Windows.
 */
export function ignoreMatcher(patterns: string[]): IgnoreMatcher {
  const used = new Set<string>();
  const options = { nocase: true, dot: true, nocomment: true, nonegate: true, windowsPathsNoEscape: true };
  return {
    matches: rel => {
      let hit = false;
      for (const p of patterns) {
        if (minimatch(rel, p, options)) {
          used.add(p);
          hit = true;
        }
      }
      return hit;
    },
    unmatched: () => patterns.filter(p => !used.has(p))
  };
}
