// What the release will do, decided from the inputs and the package before any request: the
// package's identity, whether to provision, which application to create or upgrade with which
// parameters and policy.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { checkedApplicationName, type ReleaseSpec as DeployInputs, wantsApplication, wantsRelease } from './release-spec.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import { SettingError as InputError } from '../util/settings.js';
import type { ParameterPair } from '../cluster/management-client.js';
import { type ApplicationManifest, parseApplicationManifest } from '../protocol/manifests.js';
import { mergeParameters, type ParameterSource, readApplicationParameterFile } from './application-parameters.js';
import { type PublishProfile, readPublishProfile } from './publish-profile.js';
import type { GuardedApplication } from './release-guards.js';
import type { UpgradePolicy } from './upgrade-policy.js';

export interface PackageIdentity {
  manifest: ApplicationManifest;
  /** The local ApplicationManifest.xml as it is, to compare with the cluster's. */
  manifestXml: string;
  /** Local service manifests by name, to compare with the cluster's. */
  serviceManifests: Map<string, string>;
}

export interface ApplicationPlan extends GuardedApplication {
  name: string;
  /** The full list sent on create and upgrade (an upgrade's list replaces the application's): the given one, plus kept values with 'omitted-parameters: keep'. */
  parameters: ParameterPair[];
  /** Where the parameters came from, in the order applied. */
  parameterSources: string[];
  policy: UpgradePolicy;
}

export interface ReleasePlan {
  typeName: string;
  typeVersion: string;
  identity: PackageIdentity;
  /** Where the package is uploaded: the provision's ApplicationTypeBuildPath. */
  imageStorePath: string;
  keepPackage: boolean;
  application: ApplicationPlan | undefined;
  deployTimeoutSeconds: number;
  unprovisionOldVersions: boolean;
  /** The publish profile's CompressPackage, for the package compression step; undefined when not given. */
  compressPackage: boolean | undefined;
  /** Set by the provisioned check: the type+version is on the cluster with this very manifest, so nothing is uploaded. */
  alreadyProvisioned: boolean;
  /** Things the plan chose not to follow, for warnings. */
  warnings: string[];
  /** Set when the package is provisioned from an `.sfpkg` the cluster downloads (ExternalStore) instead of the Image Store. */
  externalStore?: ExternalStoreSource;
}

export interface ExternalStoreSource {
  /** The URL with its SAS (a secret). */
  downloadUrl: string;
  /** The URL without its query, for the log. */
  shownAs: string;
  /** The SHA-256 of the staged `.sfpkg` (hex): recorded with the version where the cluster keeps it (ARM's tags). */
  sha256: string;
  /** Run once the type is provisioned (deleting the blob when asked); the package is not in the Image Store. */
  afterProvision(log: (line: string) => void): Promise<void>;
}

export async function readPackageIdentity(packageRoot: string, names: SettingNames = CANONICAL_NAMES): Promise<PackageIdentity> {
  const manifestPath = path.join(packageRoot, 'ApplicationManifest.xml');
  let manifestXml: string;
  try {
    manifestXml = await readFile(manifestPath, 'utf8');
  } catch (err) {
    throw new InputError(
      `The package has no readable ApplicationManifest.xml at '${manifestPath}' (${(err as NodeJS.ErrnoException).code ?? 'error'}): point '${names.PackagePath}' at the application package folder.`
    );
  }
  const manifest = parseApplicationManifest(manifestXml, `'${manifestPath}'`);
  const serviceManifests = new Map<string, string>();
  for (const ref of manifest.serviceManifestImports) {
    try {
      serviceManifests.set(ref.name, await readFile(path.join(packageRoot, ref.name, 'ServiceManifest.xml'), 'utf8'));
    } catch {
      // A diff package may leave a service out; the cluster's copy then stands.
    }
  }
  return { manifest, manifestXml, serviceManifests };
}

/** The release to run, or undefined when no input asks for more than the upload. */
export async function buildReleasePlan(
  identity: PackageIdentity,
  imageStorePath: string,
  inputs: DeployInputs,
  names: SettingNames = CANONICAL_NAMES
): Promise<ReleasePlan | undefined> {
  if (!wantsRelease(inputs)) return undefined;
  const { manifest } = identity;
  const profile: PublishProfile | undefined = inputs.publishProfile ? await readPublishProfile(inputs.publishProfile, names.PublishProfile) : undefined;

  const warnings: string[] = [...(profile?.warnings ?? [])];
  let application: ApplicationPlan | undefined;
  if (wantsApplication(inputs)) {
    const sources: ParameterSource[] = [];
    // The input wins over the profile's ApplicationParameterFile.
    const parameterFilePath = inputs.applicationParameterFile ?? profile?.applicationParameterFile;
    let nameFromFile: string | undefined;
    if (parameterFilePath) {
      const what = inputs.applicationParameterFile ? `'${names.ApplicationParameterFile}'` : `The publish profile's ApplicationParameterFile`;
      const file = await readApplicationParameterFile(parameterFilePath, what);
      // Checked like the setting: the id of every route is built from it.
      nameFromFile =
        file.applicationName === undefined ? undefined : checkedApplicationName(`The Name in the parameter file '${parameterFilePath}'`, file.applicationName);
      sources.push({ what: `The parameter file '${parameterFilePath}'`, parameters: file.parameters });
    }
    if (inputs.applicationParameters.length > 0) {
      sources.push({ what: `'${names.ApplicationParameters}'`, parameters: inputs.applicationParameters });
    }
    const name = inputs.applicationName ?? nameFromFile;
    if (!name) {
      throw new InputError(
        `No application to create or upgrade: set '${names.ApplicationName}' (such as 'fabric:/VotingApp'), or give an '${names.ApplicationParameterFile}' whose <Application> has a Name.`
      );
    }
    const profileUpgrade = profile?.upgrade;
    if (profileUpgrade && !profileUpgrade.enabled) {
      warnings.push(
        `The publish profile has <UpgradeDeployment Enabled="false">, which makes Visual Studio remove and re-create the application: this action never deletes an application, it upgrades an existing one.`
      );
    }
    const parameters = mergeParameters(manifest, sources);
    application = {
      name,
      parameters,
      givenParameters: parameters,
      guards: { allowDowngrade: inputs.allowDowngrade, omittedParameters: inputs.omittedParameters },
      parameterSources: sources.map(s => s.what),
      policy: {
        mode: inputs.upgradeMode ?? profileUpgrade?.mode ?? 'Monitored',
        failureAction: inputs.failureAction ?? profileUpgrade?.failureAction ?? 'Rollback',
        settings: { ...profileUpgrade?.settings, ...inputs.upgradeSettings }
      }
    };
  }

  return {
    typeName: manifest.typeName,
    typeVersion: manifest.typeVersion,
    identity,
    imageStorePath,
    keepPackage: inputs.keepPackage,
    application,
    deployTimeoutSeconds: inputs.deployTimeoutSeconds,
    unprovisionOldVersions: inputs.unprovisionOldVersions,
    compressPackage: profile?.compressPackage,
    alreadyProvisioned: false,
    warnings
  };
}
