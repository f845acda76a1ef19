// Offline validation: the image builder's layout rules (src/protocol/package-layout.ts, the same
// code the emulator's provision runs) over the scanned local package, before the first request.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeProblem, type LayoutOptions, type PackageLayout, packageViewOf, validatePackageLayout } from '../protocol/package-layout.js';
import type { ScannedPackage } from './package-scan.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';

/** The package breaks the image builder's rules: the message lists every problem, one sentence each. */
export class PackageValidationError extends Error {
  override name = 'PackageValidationError';
  constructor(
    readonly problems: string[],
    names: SettingNames = CANONICAL_NAMES
  ) {
    super(
      problems.length === 1
        ? `The package in '${names.PackagePath}' is invalid: ${problems[0]}`
        : `The package in '${names.PackagePath}' has ${problems.length} problems: ${problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`
    );
  }
}

export interface PackageValidation {
  layout: PackageLayout;
  /** One line per problem: the file, what is wrong, the fix. */
  errors: string[];
  /** One line per warning (unreferenced files). */
  warnings: string[];
}

/** The scanned files (after `include`) as the layout rules see them; manifests are read on demand. */
export function localPackageView(pkg: ScannedPackage) {
  // The files themselves, not their local paths: a scanned file derives its path when asked (FoundFile).
  const files = new Map(pkg.files.map(f => [f.relativePath, f]));
  return packageViewOf(
    files.keys(),
    rel => {
      const file = files.get(rel);
      return file === undefined ? undefined : readFileSync(file.localPath, 'utf8');
    },
    pkg.folders.filter(f => f !== '')
  );
}

export function validateLocalPackage(pkg: ScannedPackage, options: LayoutOptions = {}, names: SettingNames = CANONICAL_NAMES): PackageValidation {
  const layout = validatePackageLayout(localPackageView(pkg), options);
  const warnings: string[] = [];
  if (layout.unreferencedFiles.length > 0) {
    const shown = layout.unreferencedFiles.slice(0, 10).map(f => `'${f}'`);
    const more = layout.unreferencedFiles.length - shown.length;
    warnings.push(
      `${layout.unreferencedFiles.length} file(s) in '${names.PackagePath}' are not referred to by any manifest and the cluster ignores them: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}. Leave them out with '${names.Include}' (for example '!**/*.pdb') or remove them from the package.`
    );
  }
  return { layout, errors: layout.problems.map(describeProblem), warnings };
}

/** Validates, throws PackageValidationError on any problem; returns the layout and the warnings. */
export function assertValidPackage(pkg: ScannedPackage, options: LayoutOptions = {}, names: SettingNames = CANONICAL_NAMES): PackageValidation {
  const result = validateLocalPackage(pkg, options, names);
  if (result.errors.length > 0) throw new PackageValidationError(result.errors, names);
  return result;
}

/** `<root>/<rel>` for a package-relative `/` path. */
export function localPathOf(pkg: ScannedPackage, rel: string): string {
  return path.join(pkg.root, ...rel.split('/'));
}
