// `diff-package: true`: leave out of the upload every service package, and every Code/Config/Data
// package, whose name and version the cluster already holds for the application type (any
// provisioned version: cluster-management-protocol.md, "Diff packages"). ApplicationManifest.xml is
// always uploaded in full. A part left out that the cluster does not hold is refused here, before
// the upload, instead of failing the provision.
import type { ApplicationTypeInfo } from '../cluster/management-client.js';
import { canonicalXml, parseApplicationManifest, parseServiceManifest } from '../protocol/manifests.js';
import { type PackageLayout, type PackagePartRef } from '../protocol/package-layout.js';
import type { ScannedPackage } from './package-scan.js';
import { inParallel } from '../util/concurrency.js';
import { assertValidPackage, PackageValidationError } from './validate-package.js';

/** What the diff needs from the cluster: ManagementClient has these. */
export interface ClusterManifestSource {
  listApplicationTypeVersions(typeName: string): Promise<ApplicationTypeInfo[]>;
  getApplicationManifest(typeName: string, typeVersion: string): Promise<string | undefined>;
  getServiceManifest(typeName: string, typeVersion: string, serviceManifestName: string): Promise<string | undefined>;
}

/** The parts the cluster holds for a type, each with the provisioned type versions that hold it. */
export interface ClusterHoldings {
  typeName: string;
  /** Provisioned versions read (status Available), oldest first as listed. */
  versions: string[];
  parts: Map<string, string[]>;
  /**
   * The canonical form (canonicalXml) of each held service manifest, by `name\u0000version`, with
   * the provisioned versions holding that form: one name and version should have one form, but a
   * cluster answer is not trusted to.
   */
  serviceManifestForms: Map<string, Map<string, string[]>>;
}

function serviceKey(name: string, version: string): string {
  return `${name}\u0000${version}`;
}

export function partKey(part: PackagePartRef): string {
  return `${part.serviceManifestName}\u0000${part.kind}\u0000${part.name}\u0000${part.version}`;
}

/** Manifests read from the cluster at once: a version's service manifests are independent requests. */
const MANIFEST_READS = 8;

/**
 * Reads every provisioned version of the type and its manifests. A version that is still
 * provisioning, or failed, holds nothing yet: only `Available` ones count [undoc: the runtime keeps
 * a failed version's parts out of its store, so this is the safe choice]. The reads run side by
 * side (three round trips for any number of services: list, application manifests, service
 * manifests); the result is put together in the listed order, so the log does not depend on which
 * answer came first.
 */
export async function readClusterHoldings(source: ClusterManifestSource, typeName: string): Promise<ClusterHoldings> {
  const holdings: ClusterHoldings = { typeName, versions: [], parts: new Map(), serviceManifestForms: new Map() };
  const add = (part: PackagePartRef, typeVersion: string) => {
    const key = partKey(part);
    const versions = holdings.parts.get(key) ?? [];
    if (!versions.includes(typeVersion)) versions.push(typeVersion);
    holdings.parts.set(key, versions);
  };
  const available = (await source.listApplicationTypeVersions(typeName)).filter(t => t.Status === 'Available').map(t => t.Version);
  const appManifests = new Map<string, string | undefined>();
  await inParallel(available, MANIFEST_READS, async version => {
    appManifests.set(version, await source.getApplicationManifest(typeName, version));
  });
  const imports: { version: string; name: string }[] = [];
  for (const version of available) {
    const appXml = appManifests.get(version);
    if (appXml === undefined) continue;
    holdings.versions.push(version);
    const app = parseApplicationManifest(appXml, `the cluster's ApplicationManifest.xml of ${typeName} ${version}`);
    for (const ref of app.serviceManifestImports) imports.push({ version, name: ref.name });
  }
  const serviceManifests = new Map<(typeof imports)[number], string | undefined>();
  await inParallel(imports, MANIFEST_READS, async ref => {
    serviceManifests.set(ref, await source.getServiceManifest(typeName, ref.version, ref.name));
  });
  for (const ref of imports) {
    const xml = serviceManifests.get(ref);
    if (xml === undefined) continue;
    const what = `the cluster's service manifest ${ref.name} of ${typeName} ${ref.version}`;
    const manifest = parseServiceManifest(xml, what);
    const forms = holdings.serviceManifestForms.get(serviceKey(manifest.name, manifest.version)) ?? new Map<string, string[]>();
    const form = canonicalXml(xml, what);
    forms.set(form, [...(forms.get(form) ?? []), ref.version]);
    holdings.serviceManifestForms.set(serviceKey(manifest.name, manifest.version), forms);
    add({ kind: 'ServiceManifest', serviceManifestName: manifest.name, name: manifest.name, version: manifest.version }, ref.version);
    for (const part of manifest.parts) {
      if (part.isContainer) continue;
      add({ kind: part.kind, serviceManifestName: manifest.name, name: part.name, version: part.version }, ref.version);
    }
  }
  return holdings;
}

export interface LeftOutPart {
  part: PackagePartRef;
  /** The package-relative folder or zip left out. */
  path: string;
  /** The provisioned type versions that hold it. */
  heldBy: string[];
}

export interface DiffPackage {
  pkg: ScannedPackage;
  /** The layout of what is uploaded (left-out parts as reused ones). */
  layout: PackageLayout;
  /** Service packages left out whole, then Code/Config/Data packages of the others. */
  leftOut: LeftOutPart[];
}

/**
 * The package without the parts the cluster holds. Throws PackageValidationError when the package
 * lacks a part (a folder or zip the manifests name) that the cluster does not hold either.
 */
export function buildDiffPackage(pkg: ScannedPackage, layout: PackageLayout, holdings: ClusterHoldings): DiffPackage {
  const heldBy = (part: PackagePartRef) => holdings.parts.get(partKey(part));
  refuseChangedServiceManifests(layout, holdings);
  const leftOut: LeftOutPart[] = [];
  const leftOutServices = new Set<string>();
  for (const part of layout.presentParts) {
    if (part.kind !== 'ServiceManifest') continue;
    const by = heldBy(part);
    if (by) {
      leftOut.push({ part, path: part.path, heldBy: by });
      leftOutServices.add(part.serviceManifestName);
    }
  }
  for (const part of layout.presentParts) {
    if (part.kind === 'ServiceManifest' || leftOutServices.has(part.serviceManifestName)) continue;
    const by = heldBy(part);
    if (by) leftOut.push({ part, path: part.path, heldBy: by });
  }
  const removed = leftOut.map(l => l.path);
  const isRemoved = (rel: string) => removed.some(p => rel === p || rel.startsWith(`${p}/`));
  const files = pkg.files.filter(f => !isRemoved(f.relativePath));
  const diff: ScannedPackage = {
    root: pkg.root,
    files,
    folders: pkg.folders.filter(f => !isRemoved(f)),
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    ignoredMarkFiles: pkg.ignoredMarkFiles,
    unmatchedPatterns: pkg.unmatchedPatterns
  };
  // The same rules as the cluster's provision: a part missing from the package is fine only when held.
  const { layout: diffLayout } = assertValidPackage(diff, { clusterHolds: part => heldBy(part) !== undefined });
  return { pkg: diff, layout: diffLayout, leftOut };
}

/**
 * A service manifest whose name and version the cluster holds must be the one the cluster holds
 * (compared as the runtime compares it: the XML content, formatting aside). Otherwise leaving it
 * out would keep the cluster's old manifest (endpoints, settings, entry points) under a release
 * that reports success; uploading it would fail the provision. Either way the fix is a new version.
 */
function refuseChangedServiceManifests(layout: PackageLayout, holdings: ClusterHoldings): void {
  const problems: string[] = [];
  for (const [name, local] of layout.serviceManifests) {
    const forms = holdings.serviceManifestForms.get(serviceKey(name, local.manifest.version));
    if (!forms) continue;
    const mine = canonicalXml(local.xml, `${name}/ServiceManifest.xml`);
    const differing = [...forms].filter(([form]) => form !== mine).flatMap(([, versions]) => versions);
    if (differing.length === 0) continue;
    problems.push(
      `${name}/ServiceManifest.xml: its content differs from service manifest ${name} version ${local.manifest.version} that the cluster holds for ${holdings.typeName} (provisioned version${differing.length > 1 ? 's' : ''} ${differing.join(', ')}), but its version is the same. A provisioned service manifest cannot change: give it a new Version (and the application manifest's ServiceManifestRef the same), then run the step again.`
    );
  }
  if (problems.length > 0) throw new PackageValidationError(problems);
}

/** One log line per part left out, saying why. */
export function describeLeftOut(l: LeftOutPart, typeName: string): string {
  const what = l.part.kind === 'ServiceManifest' ? `service package '${l.part.name}'` : `${l.part.kind} '${l.part.name}' of '${l.part.serviceManifestName}'`;
  return `Left out ${l.path} (${what}, version ${l.part.version}): the cluster holds it for ${typeName} (provisioned version${l.heldBy.length > 1 ? 's' : ''} ${l.heldBy.join(', ')}).`;
}
