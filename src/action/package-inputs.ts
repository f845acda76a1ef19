// Inputs of the package's form (compressed and diff packages): their names, and reading them through
// `core.getInput`. Parsing lives in src/core/package-settings.ts.
import * as core from '@actions/core';
import { readPackageForm } from '../core/package-settings.js';
import { ACTION_SETTING_NAMES } from './inputs.js';

export const PackageInput = {
  Compress: 'compress',
  DiffPackage: 'diff-package'
} as const;

export interface PackageInputs {
  /** Upload a compressed copy: each Code/Config/Data folder as `<Name>.zip`. */
  compress: boolean;
  /** Leave out the parts whose name and version the cluster already holds for the type. */
  diffPackage: boolean;
}

/** The publish profile's `CopyPackageParameters CompressPackage="true"` also turns compress on (in the core). */
export function getPackageInputs(read: (name: string) => string = name => core.getInput(name)): PackageInputs {
  return readPackageForm(read, ACTION_SETTING_NAMES);
}
