// Inputs of issue 12 (compressed and diff packages), read beside inputs.ts so that both can change apart.
import * as core from '@actions/core';
import { InputError } from './inputs.js';

export const PackageInput = {
  Compress: 'compress',
  DiffPackage: 'diff-package'
} as const;

export interface PackageInputs {
  /** Upload a compressed copy: each Code/Config/Data folder as `<Name>.zip`. */
  compress: boolean;
  /** Leave out the parts whose name and version the cluster already holds for the type. */
  diffPackage: boolean;
  /** Set by main.ts when `version-stamp: content` stamped the versions: an unchanged version then means unchanged content. */
  versionStamped?: boolean;
}

function parseBoolean(input: string, value: string): boolean {
  const v = value.trim();
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE', ''].includes(v)) return false;
  throw new InputError(`'${input}' must be 'true' or 'false', not '${value}'.`);
}

/** The publish profile's `CopyPackageParameters CompressPackage="true"` also turns compress on (main.ts). */
export function getPackageInputs(read: (name: string) => string = name => core.getInput(name)): PackageInputs {
  return {
    compress: parseBoolean(PackageInput.Compress, read(PackageInput.Compress)),
    diffPackage: parseBoolean(PackageInput.DiffPackage, read(PackageInput.DiffPackage))
  };
}
