// The action's package steps of issue 12: validate offline (always), then build what is uploaded:
// the package itself, or its compressed copy.
import { formatBytes } from '../util/format-bytes.js';
import type { Reporter } from '../util/reporter.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import type { PackageSource } from './package-source.js';
import { startCompression } from './compress-package.js';
import { buildDiffPackage, type ClusterManifestSource, describeLeftOut, readClusterHoldings } from './diff-package.js';
import type { ScannedPackage } from './package-scan.js';
import { assertValidPackage, type PackageValidation } from './validate-package.js';

/**
 * Which forms of the package are wanted: the package source's `compress` and `diffPackage`;
 * `versionStamped` when `version-stamp: content` stamped the versions (an unchanged version then
 * means unchanged content).
 */
type PackageForm = Pick<PackageSource, 'compress' | 'diffPackage'> & { versionStamped?: boolean };

/** Without stamping, a part left out under a version the cluster holds may hide rebuilt files. */
export function leftOutUnderSameVersionHint(count: number, names: Pick<SettingNames, 'VersionStamp'> = CANONICAL_NAMES): string {
  return `${count} package(s) were left out because the cluster holds their versions: files rebuilt under an unchanged version are not deployed; give them a new version, or use '${names.VersionStamp}: content'.`;
}

/**
 * Refuses an invalid package (PackageValidationError, before any request); warns of unreferenced
 * files. With diff-package, a part missing from the package is accepted here and checked against
 * what the cluster holds once it has been read (preparePackageToUpload).
 */
export async function validatePackageStep(
  pkg: ScannedPackage,
  inputs: PackageForm,
  reporter: Reporter,
  names: SettingNames = CANONICAL_NAMES
): Promise<PackageValidation> {
  return reporter.group('Validate the package', async () => {
    const validation = assertValidPackage(pkg, inputs.diffPackage ? { clusterHolds: () => true } : {}, names);
    for (const w of validation.warnings) reporter.warning(w);
    const app = validation.layout.applicationManifest!;
    const parts = validation.layout.presentParts.filter(p => p.kind !== 'ServiceManifest');
    reporter.info(
      `The package is valid: application type '${app.typeName}' version '${app.typeVersion}', ${validation.layout.serviceManifests.size} service manifest(s), ${parts.length} Code/Config/Data package(s) (${parts.filter(p => p.zipped).length} already zipped).`
    );
    const missing = validation.layout.reusedParts;
    if (missing.length > 0) {
      reporter.info(
        `${missing.length} part(s) are not in the package (${missing.map(m => `${m.serviceManifestName}/${m.name} ${m.version}`).join(', ')}): the cluster must hold them; checked once it has been read.`
      );
    }
    return validation;
  });
}

export interface PackageToUpload {
  /** What to upload. With compress, its zips are still being written: each has `ready` until it is complete. */
  pkg: ScannedPackage;
  /** Resolves once every file of `pkg` is complete (at once without compress); rejects with the compression's failure. Always observed. */
  complete: Promise<void>;
  /** Stops a compression still running and deletes whatever was built in the temporary folder; safe to call more than once. */
  dispose(): Promise<void>;
  /** Package parts left out because the cluster holds them (diff-package), once the diff is built. */
  skippedPackageCount?: number;
  /** Bytes of the compressed copy (compress), once every zip is written. */
  compressedBytes?: number;
}

/** The diff (with `cluster`, when diff-package is on), then the compressed copy (with compress). */
export async function preparePackageToUpload(
  scanned: ScannedPackage,
  validation: PackageValidation,
  inputs: PackageForm,
  cluster: ClusterManifestSource,
  reporter: Reporter,
  names: SettingNames = CANONICAL_NAMES
): Promise<PackageToUpload> {
  let pkg = scanned;
  let skippedPackageCount: number | undefined;
  let layout = validation.layout;
  if (inputs.diffPackage) {
    const typeName = layout.applicationManifest!.typeName;
    const diff = await reporter.group(`Diff package: leave out what the cluster holds for ${typeName}`, async () => {
      const holdings = await readClusterHoldings(cluster, typeName);
      if (holdings.versions.length === 0) reporter.info(`The cluster has no provisioned version of ${typeName}: everything is uploaded.`);
      else reporter.info(`The cluster holds ${typeName} version(s) ${holdings.versions.join(', ')}.`);
      const d = buildDiffPackage(pkg, layout, holdings);
      for (const l of d.leftOut) reporter.info(describeLeftOut(l, typeName));
      if (d.leftOut.length > 0) {
        reporter.info(
          "Service manifests left out were compared with the cluster's (the same content, formatting aside); Code, Config and Data packages are matched by name and version only: changed content under an unchanged version cannot be seen by the cluster, which keeps the bytes it holds. Give every changed package a new version."
        );
      }
      if (d.leftOut.length > 0 && !inputs.versionStamped) reporter.warning(leftOutUnderSameVersionHint(d.leftOut.length, names));
      reporter.info(
        `Uploading ${d.pkg.files.length} of ${pkg.files.length} files (${formatBytes(d.pkg.totalBytes)} of ${formatBytes(pkg.totalBytes)}); ${d.leftOut.length} package(s) left out; ApplicationManifest.xml in full.`
      );
      return d;
    });
    skippedPackageCount = diff.leftOut.length;
    pkg = diff.pkg;
    layout = diff.layout;
  }
  if (!inputs.compress) return { pkg, complete: Promise.resolve(), dispose: async () => {}, skippedPackageCount };
  const source = pkg;
  // The zips are written while the upload runs: each is sent as soon as it is complete.
  const run = await reporter.group('Compress the package', async () => {
    const r = await startCompression(source, layout);
    const zips = r.pkg.files.filter(f => f.ready !== undefined).length;
    reporter.info(`Zipping ${zips} package folder(s) into '${r.pkg.root}' (the package folder is only read); each zip is uploaded as soon as it is written.`);
    for (const z of layout.presentParts.filter(p => p.kind !== 'ServiceManifest' && p.zipped)) reporter.info(`${z.path} is already zipped: uploaded as it is.`);
    return r;
  });
  const complete = run.finished.then(c => {
    for (const z of c.compressed) {
      reporter.info(`Compressed ${z.folder}/ (${z.files} files, ${formatBytes(z.sourceBytes)}) → ${z.zip} (${formatBytes(z.zipBytes)})`);
    }
    reporter.info(
      `Compressed copy: ${c.pkg.files.length} files, ${formatBytes(c.compressedBytes)} instead of ${source.files.length} files, ${formatBytes(source.totalBytes)}.`
    );
    prepared.compressedBytes = c.compressedBytes;
  });
  complete.catch(() => undefined); // observed here; the caller awaits it
  let disposed = false;
  const prepared: PackageToUpload = {
    pkg: run.pkg,
    complete,
    skippedPackageCount,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await run.dispose();
    }
  };
  return prepared;
}
