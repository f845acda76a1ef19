// The release's side of `version-stamp: content` (issue 19): stamp before any request, compare with
// what the named application runs once connected, and log the table. The work is in
// src/package/version-stamp.ts and changed-packages.ts; the front door writes the result
// (`changed-packages`, the job summary) from the VersionStampRecord.
import { readPublishProfile } from '../deploy/publish-profile.js';
import { readRunningVersion, isChanged, type RunningVersion, type RunningVersionSource } from '../package/changed-packages.js';
import type { PackageSource } from '../package/package-source.js';
import type { ScannedPackage } from '../package/package-scan.js';
import { assertValidPackage, type PackageValidation } from '../package/validate-package.js';
import { stampPackageVersions, type StampedPackage, type StampRow } from '../package/version-stamp.js';
import type { Reporter } from '../util/reporter.js';
import type { SettingNames } from '../util/settings.js';

/** What the stamping did: the front door maps it to `changed-packages` and the job summary. */
export interface VersionStampRecord {
  /** The application type, then each service manifest followed by its packages. */
  rows: StampRow[];
  /** What the rows were compared with; undefined when the cluster was not read (the run failed before). */
  running?: RunningVersion;
}

/** The hint when a version may hide new content (no stamping, and the version is provisioned already). */
export function sameVersionHint(typeName: string, typeVersion: string, names: Pick<SettingNames, 'VersionStamp'>): string {
  return `${typeName} ${typeVersion} is provisioned already: files rebuilt under the same version are not deployed; give them a new version, or use '${names.VersionStamp}: content'.`;
}

export class VersionStamping {
  readonly record: VersionStampRecord;

  private constructor(
    private readonly stamped: StampedPackage,
    readonly validation: PackageValidation
  ) {
    this.record = { rows: stamped.rows };
  }

  get pkg(): ScannedPackage {
    return this.stamped.pkg;
  }

  /**
   * Stamps the versions (undefined unless `source.versionStamp` is `content`). Nothing is sent to
   * the cluster. `publishProfile`: its CompressPackage turns compression on, which the digests must know.
   */
  static async start(
    scanned: ScannedPackage,
    validation: PackageValidation,
    source: PackageSource,
    publishProfile: string | undefined,
    reporter: Reporter,
    names: SettingNames
  ): Promise<VersionStamping | undefined> {
    if (source.versionStamp !== 'content') return undefined;
    // A zipped package needs another version than the same files as a folder: know it before stamping.
    const compressed =
      source.compress || (publishProfile !== undefined && (await readPublishProfile(publishProfile, names.PublishProfile)).compressPackage === true);
    return reporter.group('Stamp the versions with their content', async () => {
      const stamped = await stampPackageVersions(scanned, validation.layout, { ignore: [...(source.versionStampIgnore ?? [])], compressed });
      try {
        for (const p of stamped.unmatchedIgnore) {
          reporter.warning(
            `The '${names.VersionStampIgnore}' pattern '${p}' matches no file of any Code, Config or Data package: check it for a typo, or remove it.`
          );
        }
        // The stamped copy passes the same rules (its names and versions agree again).
        const revalidated = assertValidPackage(stamped.pkg, source.diffPackage ? { clusterHolds: () => true } : {}, names);
        const ignored = stamped.rows.reduce((n, r) => n + r.ignoredFiles, 0);
        const services = stamped.rows.filter(r => r.kind === 'ServiceManifest').length;
        const packages = stamped.rows.length - 1 - services;
        reporter.info(
          `Stamped the application type, ${services} service manifest(s) and ${packages} package(s): ${stamped.typeName} ${stamped.typeVersion}. The stamped manifests are in '${stamped.pkg.root}' (the package folder is only read).${ignored > 0 ? ` ${ignored} file(s) left out of the digests by '${names.VersionStampIgnore}'.` : ''}`
        );
        return new VersionStamping(stamped, revalidated);
      } catch (err) {
        await stamped.dispose();
        throw err;
      }
    });
  }

  /** Reads what the named application runs (nothing without one) and logs the table. */
  async compareWithCluster(cluster: RunningVersionSource, applicationName: string | undefined, reporter: Reporter): Promise<void> {
    await reporter.group('Stamped versions', async () => {
      const running = await readRunningVersion(cluster, applicationName, this.stamped.typeName);
      this.record.running = running;
      reporter.info(running.description);
      for (const line of stampTable(this.stamped.rows, running)) reporter.info(line);
    });
  }

  dispose(): Promise<void> {
    return this.stamped.dispose();
  }
}

/** A row's label in the log and the job summary. */
export function stampLabel(r: StampRow): string {
  if (r.kind === 'ApplicationType') return `${r.name} (application type)`;
  if (r.kind === 'ServiceManifest') return r.service;
  return `${r.service}/${r.name}`;
}

function stampTable(rows: StampRow[], running: RunningVersion): string[] {
  const header = ['service / package', 'declared', 'stamped', 'changed'];
  const cells = rows.map(r => [stampLabel(r), r.declared, r.stamped, isChanged(r, running) ? 'yes' : 'no']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i]!.length)));
  return [header, ...cells].map(line =>
    line
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  );
}
