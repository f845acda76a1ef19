// The application types the emulated cluster holds: each provisioned (or provisioning, or failed)
// version with its manifests and the checksums of its parts, and the provision itself (the image
// builder's work, run over the package in the Image Store).
import { ErrorCode } from '../../src/protocol/error-codes.js';
import type { ApplicationTypeInfo, ApplicationTypeStatus, ServiceTypeInfo } from '../../src/protocol/management-models.js';
import { ManagementErrorCode } from '../../src/protocol/management-models.js';
import { type ApplicationManifest, canonicalXml, ManifestError, parseApplicationManifest, type ServiceManifest } from '../../src/protocol/manifests.js';
import { APPLICATION_MANIFEST_FILE, describeProblem, type PackagePartRef, validatePackageLayout } from '../../src/protocol/package-layout.js';
import { FabricHttpError } from '../fabric-http-error.js';
import type { StoredPackage } from './package-reader.js';

export interface ProvisionedVersion {
  typeName: string;
  version: string;
  manifestXml: string;
  manifest: ApplicationManifest;
  /** Every imported service manifest, those a diff package left out included (taken from the cluster). */
  serviceManifests: Map<string, { xml: string; manifest: ServiceManifest }>;
  /** Checksum of every Code/Config/Data package by partKey(), reused ones included. */
  partChecksums: Map<string, string>;
  acceptedAt: number;
  /** When Provisioning turns into Available (or Failed). */
  readyAt: number;
  /** The image builder's message when the provision failed. */
  failure?: string;
  /** The image builder still works on it (an asynchronous provision): `Provisioning` whatever the clock says. */
  building?: boolean;
}

export function partKey(p: Pick<PackagePartRef, 'kind' | 'serviceManifestName' | 'name' | 'version'>): string {
  return `${p.kind}|${p.serviceManifestName}|${p.name}|${p.version}`;
}

export class ApplicationTypeRegistry {
  /** By exact type name, then version. */
  private readonly types = new Map<string, Map<string, ProvisionedVersion>>();

  constructor(private readonly now: () => number) {}

  status(v: ProvisionedVersion): ApplicationTypeStatus {
    if (v.building === true || this.now() < v.readyAt) return 'Provisioning';
    return v.failure === undefined ? 'Available' : 'Failed';
  }

  find(name: string, version: string): ProvisionedVersion | undefined {
    return this.types.get(name)?.get(version);
  }

  /** The version only once provisioning is over and succeeded. */
  findAvailable(name: string, version: string): ProvisionedVersion | undefined {
    const v = this.find(name, version);
    return v && this.status(v) === 'Available' ? v : undefined;
  }

  /** The same version under a name that differs only in case counts as the same type [rt]. */
  findIgnoringCase(name: string, version: string): ProvisionedVersion | undefined {
    for (const [typeName, versions] of this.types) {
      if (typeName.toLowerCase() === name.toLowerCase() && versions.has(version)) return versions.get(version);
    }
    return undefined;
  }

  versionsOf(name: string): ProvisionedVersion[] {
    return [...(this.types.get(name)?.values() ?? [])].sort((a, b) => compareVersions(a.version, b.version));
  }

  all(): ProvisionedVersion[] {
    return [...this.types.keys()].sort().flatMap(name => this.versionsOf(name));
  }

  add(v: ProvisionedVersion): void {
    let versions = this.types.get(v.typeName);
    if (!versions) this.types.set(v.typeName, (versions = new Map<string, ProvisionedVersion>()));
    versions.set(v.version, v);
  }

  remove(name: string, version: string): void {
    const versions = this.types.get(name);
    versions?.delete(version);
    if (versions?.size === 0) this.types.delete(name);
  }

  /** Versions whose parts the cluster keeps: provisioned ones, and ones whose provision will succeed. */
  private holdingVersions(typeName: string): ProvisionedVersion[] {
    return this.versionsOf(typeName).filter(v => v.failure === undefined);
  }

  heldChecksum(typeName: string, key: string): string | undefined {
    for (const v of this.holdingVersions(typeName)) {
      const sum = v.partChecksums.get(key);
      if (sum !== undefined) return sum;
    }
    return undefined;
  }

  heldServiceManifest(typeName: string, name: string, version: string): { xml: string; manifest: ServiceManifest } | undefined {
    for (const v of this.holdingVersions(typeName)) {
      const sm = v.serviceManifests.get(name);
      if (sm && sm.manifest.version === version) return sm;
    }
    return undefined;
  }

  info(v: ProvisionedVersion, excludeParameters: boolean): ApplicationTypeInfo {
    const status = this.status(v);
    return {
      Name: v.typeName,
      Version: v.version,
      DefaultParameterList: excludeParameters ? [] : v.manifest.parameters.map(p => ({ Key: p.name, Value: p.defaultValue })),
      Status: status,
      StatusDetails: status === 'Failed' ? (v.failure ?? '') : '',
      ApplicationTypeDefinitionKind: 'ServiceFabricApplicationPackage'
    };
  }
}

/** Orders versions like `1.2.10` after `1.2.9`; other text compares as text. */
function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** What the cluster reads of a package before anything else: the root mark file and the application manifest. */
export interface PackageRoot {
  marked: boolean;
  manifestXml: string | undefined;
}

export function packageRootOf(pkg: StoredPackage | undefined): PackageRoot | undefined {
  return pkg && { marked: pkg.view.kind('_.dir') === 'file', manifestXml: pkg.view.readText(APPLICATION_MANIFEST_FILE) };
}

/**
 * Reads the package's identity. Errors here are answered at once, also to an asynchronous
 * provision: [undoc] without a readable manifest the cluster has no type to report a failure on.
 */
export function readPackageIdentity(root: PackageRoot | undefined, buildPath: string): { xml: string; manifest: ApplicationManifest } {
  if (!root?.marked) {
    // [undoc] The status of this answer; the code is the one the store reference names.
    throw new FabricHttpError(
      400,
      ErrorCode.DirectoryNotFound,
      `The application package folder '${buildPath}' does not exist or has no _.dir mark file: upload it completely first.`
    );
  }
  const xml = root.manifestXml;
  if (xml === undefined) {
    throw validationError(`The BuildLayout of the application in '${buildPath}' is invalid. ${APPLICATION_MANIFEST_FILE} is missing.`);
  }
  try {
    return { xml, manifest: parseApplicationManifest(xml, `${buildPath}/${APPLICATION_MANIFEST_FILE}`) };
  } catch (err) {
    if (err instanceof ManifestError) throw validationError(err.message);
    throw err;
  }
}

export function validationError(message: string): FabricHttpError {
  return new FabricHttpError(400, ManagementErrorCode.ImageBuilderValidationError, message);
}

/**
 * The image builder's work: validates the package against the layout rules and against what the
 * type already holds (diff packages, unchanged checksums), and builds the version. A failure is
 * returned as the FabricHttpError a synchronous provision answers.
 */
export async function buildVersion(
  registry: ApplicationTypeRegistry,
  pkg: StoredPackage,
  buildPath: string,
  identity: { xml: string; manifest: ApplicationManifest },
  /** An `.sfpkg` has no mark files: only an Image Store upload needs them. */
  requireMarkFiles = true,
  /** Stops the build between parts when the emulator shuts down. */
  signal?: AbortSignal
): Promise<{ version: Omit<ProvisionedVersion, 'acceptedAt' | 'readyAt'> } | { error: FabricHttpError }> {
  const typeName = identity.manifest.typeName;
  const clusterHolds = (p: PackagePartRef) =>
    p.kind === 'ServiceManifest'
      ? registry.heldServiceManifest(typeName, p.name, p.version) !== undefined
      : registry.heldChecksum(typeName, partKey(p)) !== undefined;
  const layout = validatePackageLayout(pkg.view, { requireMarkFiles, clusterHolds });
  if (layout.problems.length > 0) {
    const message = layout.problems.map(p => `${buildPath}/${describeProblem(p)}`).join(' ');
    const marks = layout.problems.every(p => p.kind === 'missing-mark-file');
    return { error: marks ? new FabricHttpError(400, ErrorCode.DirectoryNotFound, message) : validationError(message) };
  }
  const serviceManifests = new Map(layout.serviceManifests);
  const partChecksums = new Map<string, string>();
  const changed: string[] = []; // parts refused after reading their bytes
  for (const part of layout.presentParts) {
    if (part.kind === 'ServiceManifest') {
      const held = registry.heldServiceManifest(typeName, part.name, part.version);
      const mine = layout.serviceManifests.get(part.name)!;
      if (held && canonicalXml(held.xml) !== canonicalXml(mine.xml)) {
        changed.push(`The content in ServiceManifest Name:${part.name} and Version:${part.version} has changed, but the version number is the same.`);
      }
      continue;
    }
    signal?.throwIfAborted();
    const { checksum: sum, zipProblem } = await pkg.inspectPart(part.path, part.zipped);
    if (zipProblem !== undefined) {
      changed.push(
        `The ${part.kind} ${part.name} of service manifest '${part.serviceManifestName}' (${buildPath}/${part.path}) is not a valid zip archive: ${zipProblem}.`
      );
      continue;
    }
    const held = registry.heldChecksum(typeName, partKey(part));
    if (held !== undefined && held !== sum) {
      changed.push(
        `The content in ${part.kind} Name:${part.name} and Version:${part.version} in Service Manifest '${part.serviceManifestName}' has changed, but the version number is the same.` +
          (part.zipped ? ' (A package switched between a folder and a zip needs a new version.)' : '')
      );
    }
    partChecksums.set(partKey(part), sum);
  }
  if (changed.length > 0) return { error: validationError(changed.join(' ')) };
  for (const reused of layout.reusedParts) {
    if (reused.kind === 'ServiceManifest') {
      // The whole service package is the cluster's: its manifest and every part of it.
      const held = registry.heldServiceManifest(typeName, reused.name, reused.version)!;
      serviceManifests.set(reused.name, held);
      for (const p of held.manifest.parts) {
        const key = partKey({ ...p, serviceManifestName: reused.name });
        const sum = registry.heldChecksum(typeName, key);
        if (sum !== undefined) partChecksums.set(key, sum);
      }
    } else {
      partChecksums.set(partKey(reused), registry.heldChecksum(typeName, partKey(reused))!);
    }
  }
  return {
    version: { typeName, version: identity.manifest.typeVersion, manifestXml: identity.xml, manifest: identity.manifest, serviceManifests, partChecksums }
  };
}

/** `GetServiceTypes` of a provisioned version: each service type of each imported service manifest. */
export function serviceTypeInfos(v: { manifest: ApplicationManifest; serviceManifests: Map<string, { manifest: ServiceManifest }> }): ServiceTypeInfo[] {
  return v.manifest.serviceManifestImports.flatMap(ref => {
    const sm = v.serviceManifests.get(ref.name)?.manifest;
    return (sm?.serviceTypes ?? []).map(t => ({
      ServiceTypeDescription: {
        Kind: t.kind,
        ServiceTypeName: t.name,
        IsStateful: t.kind === 'Stateful',
        ...(t.kind === 'Stateful' ? { HasPersistedState: t.hasPersistedState } : {}),
        UseImplicitHost: false,
        PlacementConstraints: ''
      },
      ServiceManifestName: ref.name,
      ServiceManifestVersion: ref.version,
      IsServiceGroup: false
    }));
  });
}
