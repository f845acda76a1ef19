// The action's side of `version-stamp: content` (issue 19): stamp before any request, compare with
// what the named application runs once connected, and report it in the log, the job summary and the
// `changed-packages` output. The work is in src/package/version-stamp.ts and changed-packages.ts.
import * as core from '@actions/core';
import { type PackageInputs } from './package-inputs.js';
import { DeployInput } from './deploy-inputs.js';
import { readPublishProfile } from '../deploy/publish-profile.js';
import { VersionInput, VersionOutput, type VersionStampInputs } from './version-inputs.js';
import { changedPackages, isChanged, readRunningVersion, type RunningVersion, type RunningVersionSource } from '../package/changed-packages.js';
import type { ScannedPackage } from '../package/package-scan.js';
import { assertValidPackage, type PackageValidation } from '../package/validate-package.js';
import { stampPackageVersions, type StampedPackage, type StampRow } from '../package/version-stamp.js';

/** The hint when a version may hide new content (no stamping, and the version is provisioned already). */
export function sameVersionHint(typeName: string, typeVersion: string): string {
  return `${typeName} ${typeVersion} is provisioned already: files rebuilt under the same version are not deployed; give them a new version, or use '${VersionInput.VersionStamp}: content'.`;
}

export class VersionStamping {
  private running?: RunningVersion;

  private constructor(
    readonly stamped: StampedPackage,
    readonly validation: PackageValidation
  ) {}

  get pkg(): ScannedPackage {
    return this.stamped.pkg;
  }

  /** Stamps the versions (undefined with `version-stamp: none`). Nothing is sent to the cluster. */
  static async start(
    scanned: ScannedPackage,
    validation: PackageValidation,
    inputs: VersionStampInputs,
    packageInputs: PackageInputs,
    publishProfile: string | undefined
  ): Promise<VersionStamping | undefined> {
    if (inputs.mode !== 'content') return undefined;
    packageInputs.versionStamped = true;
    // A zipped package needs another version than the same files as a folder: know it before stamping.
    const compressed =
      packageInputs.compress ||
      (publishProfile !== undefined && (await readPublishProfile(publishProfile, DeployInput.PublishProfile)).compressPackage === true);
    return core.group('Stamp the versions with their content', async () => {
      const stamped = await stampPackageVersions(scanned, validation.layout, { ignore: inputs.ignore, compressed });
      try {
        for (const p of stamped.unmatchedIgnore) {
          core.warning(
            `The '${VersionInput.VersionStampIgnore}' pattern '${p}' matches no file of any Code, Config or Data package: check it for a typo, or remove it.`
          );
        }
        // The stamped copy passes the same rules (its names and versions agree again).
        const revalidated = assertValidPackage(stamped.pkg, packageInputs.diffPackage ? { clusterHolds: () => true } : {});
        const ignored = stamped.rows.reduce((n, r) => n + r.ignoredFiles, 0);
        const services = stamped.rows.filter(r => r.kind === 'ServiceManifest').length;
        const packages = stamped.rows.length - 1 - services;
        core.info(
          `Stamped the application type, ${services} service manifest(s) and ${packages} package(s): ${stamped.typeName} ${stamped.typeVersion}. The stamped manifests are in '${stamped.pkg.root}' (the package folder is only read).${ignored > 0 ? ` ${ignored} file(s) left out of the digests by '${VersionInput.VersionStampIgnore}'.` : ''}`
        );
        return new VersionStamping(stamped, revalidated);
      } catch (err) {
        await stamped.dispose();
        throw err;
      }
    });
  }

  /** Reads what the named application runs (nothing without one) and logs the table. */
  async compareWithCluster(cluster: RunningVersionSource, applicationName: string | undefined): Promise<void> {
    await core.group('Stamped versions', async () => {
      this.running = await readRunningVersion(cluster, applicationName, this.stamped.typeName);
      core.info(this.running.description);
      for (const line of this.tableLines(this.running)) core.info(line);
    });
  }

  private tableLines(running: RunningVersion): string[] {
    const header = ['service / package', 'declared', 'stamped', 'changed'];
    const rows = this.stamped.rows.map(r => [label(r), r.declared, r.stamped, isChanged(r, running) ? 'yes' : 'no']);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)));
    return [header, ...rows].map(cells =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()
    );
  }

  writeOutputs(): void {
    if (!this.running) return;
    try {
      core.setOutput(VersionOutput.ChangedPackages, JSON.stringify(changedPackages(this.stamped.rows, this.running)));
    } catch (err) {
      core.setFailed(`Could not write the step outputs to GITHUB_OUTPUT: ${(err as Error).message}`);
    }
  }

  async writeSummary(): Promise<void> {
    try {
      const running = this.running;
      core.summary
        .addHeading('Stamped versions', 3)
        .addRaw(running ? running.description : 'The cluster was not read: whether each version changed is not known.', true);
      await core.summary
        .addTable([
          ['Service / package', 'Declared version', 'Stamped version', 'Changed'].map(data => ({ data, header: true })),
          ...this.stamped.rows.map(r => [label(r), r.declared, r.stamped, running ? (isChanged(r, running) ? 'yes' : 'no') : '—'])
        ])
        .write();
    } catch (err) {
      core.warning(`Could not write the job summary: ${(err as Error).message}`);
    }
  }

  dispose(): Promise<void> {
    return this.stamped.dispose();
  }
}

function label(r: StampRow): string {
  if (r.kind === 'ApplicationType') return `${r.name} (application type)`;
  if (r.kind === 'ServiceManifest') return r.service;
  return `${r.service}/${r.name}`;
}
