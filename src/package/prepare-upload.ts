// The action's package steps of issue 12: validate offline (always), then build what is uploaded:
// the package itself, or its compressed copy.
import * as core from '@actions/core';
import { formatBytes } from '../action/inputs.js';
import type { PackageInputs } from '../action/package-inputs.js';
import { compressPackage } from './compress-package.js';
import type { ScannedPackage } from './package-scan.js';
import { assertValidPackage, type PackageValidation } from './validate-package.js';

export const PackageOutput = {
  CompressedBytes: 'compressed-bytes',
  SkippedPackageCount: 'skipped-package-count'
} as const;

/** Refuses an invalid package (PackageValidationError, before any request); warns of unreferenced files. */
export async function validatePackageStep(pkg: ScannedPackage): Promise<PackageValidation> {
  return core.group('Validate the package', async () => {
    const validation = assertValidPackage(pkg);
    for (const w of validation.warnings) core.warning(w);
    const app = validation.layout.applicationManifest!;
    const parts = validation.layout.presentParts.filter(p => p.kind !== 'ServiceManifest');
    core.info(
      `The package is valid: application type '${app.typeName}' version '${app.typeVersion}', ${validation.layout.serviceManifests.size} service manifest(s), ${parts.length} Code/Config/Data package(s) (${parts.filter(p => p.zipped).length} already zipped).`
    );
    return validation;
  });
}

export interface PackageToUpload {
  pkg: ScannedPackage;
  /** Deletes whatever was built in the temporary folder; safe to call more than once. */
  dispose(): Promise<void>;
}

export async function preparePackageToUpload(pkg: ScannedPackage, validation: PackageValidation, inputs: PackageInputs): Promise<PackageToUpload> {
  if (!inputs.compress) return { pkg, dispose: async () => {} };
  const compressed = await core.group('Compress the package', async () => {
    const c = await compressPackage(pkg, validation.layout);
    for (const z of c.compressed) {
      core.info(`${z.folder}/ (${z.files} files, ${formatBytes(z.sourceBytes)}) → ${z.zip} (${formatBytes(z.zipBytes)})`);
    }
    for (const z of c.alreadyZipped) core.info(`${z} is already zipped: uploaded as it is.`);
    core.info(
      `Compressed copy in '${c.pkg.root}': ${c.pkg.files.length} files, ${formatBytes(c.compressedBytes)} instead of ${pkg.files.length} files, ${formatBytes(pkg.totalBytes)}; the package folder is unchanged.`
    );
    return c;
  });
  core.setOutput(PackageOutput.CompressedBytes, String(compressed.compressedBytes));
  let disposed = false;
  return {
    pkg: compressed.pkg,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await compressed.dispose();
    }
  };
}
