// A release through ARM: the application type (if missing), the type version with
// its appPackageUrl, then the application with its version, parameters and upgradePolicy; each
// operation followed to its end, and the application read back, because a rolled-back upgrade has
// been reported `Succeeded` by ARM.
import type { ParameterPair } from '../cluster/management-client.js';
import { ReleaseError } from '../deploy/polling.js';
import type { ReleaseRecord } from '../deploy/release-record.js';
import type { UpgradePolicy } from '../deploy/upgrade-policy.js';
import type { ArmClient } from './arm-client.js';
import { ArmError } from './arm-operation.js';
import {
  type ArmApplication,
  applicationOutcomeProblem,
  atRequestedState,
  changedSince,
  type ArmVersion,
  type RequestedApplication,
  typeFromVersionId,
  unusedVersions,
  upgradeStateFromReadBack,
  versionFromId
} from './arm-outcome.js';
import { armApplicationName, sameResourceId } from './arm-target.js';
import { buildArmUpgradePolicy } from './arm-upgrade-policy.js';

export interface ArmRelease {
  typeName: string;
  typeVersion: string;
  /** The `.sfpkg` URL with its read SAS (a secret, registered already). */
  packageUrl: string;
  /** The URL without its query, for the log. */
  shownUrl: string;
  /** The staged `.sfpkg`'s SHA-256, written in the version's tag SFPKG_SHA256_TAG when it is provisioned. */
  packageSha256?: string;
  application: ArmApplicationRelease | undefined;
  unprovisionOldVersions: boolean;
}

/** The application whose upgrade an observer follows while ARM's PUT runs. */
export interface ObservedApplication {
  name: string;
  targetVersion: string;
  previousVersion: string | undefined;
  /** The PUT creates the application: there is no upgrade to follow. */
  creating: boolean;
}

/** Follows the application from elsewhere while ARM's PUT runs (the core: the cluster's gateway, read-only). */
export interface UpgradeObserver {
  /** Runs `put` (the PUT and its operation) and gives its result, or throws what the observer saw fail. */
  during<T>(application: ObservedApplication, put: () => Promise<T>): Promise<T>;
}

export interface ArmApplicationRelease {
  name: string;
  nameInput: string;
  /** The parameters to send; the guards set them (with `omitted-parameters: keep`, the current values join). */
  parameters: ParameterPair[];
  policy: UpgradePolicy;
  /** The gateway path's guards against the application as ARM shows it (arm-guards.ts): the parameters to send, or a ReleaseError. */
  guard(existing: ArmApplication): ParameterPair[];
  /** The parameters as the application runs them, the manifest's defaults filled in. */
  effective(parameters: Record<string, string> | undefined): Map<string, string>;
}

/**
 * Before anything is staged or written: the application as ARM shows it, through the guards. A
 * refusal says that nothing was changed; with `keep`, the parameters to send are set here.
 */
export async function checkArmApplication(client: ArmClient, release: ArmRelease, log: (line: string) => void): Promise<void> {
  const app = release.application;
  if (app === undefined) return;
  const armName = armApplicationName(app.nameInput, app.name);
  const existing = await client.get<ArmApplication>(client.resources.applicationId(armName), `the application ${armName}`);
  if (existing === undefined) {
    log(`${app.name} does not exist yet: it is created.`);
    return;
  }
  try {
    app.parameters = app.guard(existing);
  } catch (err) {
    if (err instanceof ReleaseError) throw new ReleaseError(`${err.message} Nothing was uploaded or changed.`);
    throw err;
  }
  const runs = `${typeFromVersionId(existing.properties?.version)} ${versionFromId(existing.properties?.version)}`;
  log(
    `${app.name} runs ${runs}${existing.properties?.provisioningState === 'Succeeded' ? '' : ` (provisioningState ${existing.properties?.provisioningState})`}: nothing stops the release of ${release.typeVersion}.`
  );
}

interface ArmResourceState {
  tags?: Record<string, unknown>;
  properties?: { provisioningState?: string; appPackageUrl?: string };
}

/**
 * The version resource's tag holding the SHA-256 of the `.sfpkg` the action provisioned it from: the
 * cluster's own record of its content, which no blob overwritten since (by hand, or by a release of
 * the same version to another cluster) can change.
 */
export const SFPKG_SHA256_TAG = 'sfu-sfpkg-sha256';

export interface ProvisionedVersion {
  appPackageUrl?: string;
  /** From the tag SFPKG_SHA256_TAG; undefined when the version has none (provisioned by another tool, or before the action wrote it). */
  recordedSha256?: string;
  /** The tag is there, but holds no SHA-256 (edited by hand): its value, to say so. */
  unreadableTag?: string;
}

/** The recorded SHA-256 from a resource's tags; ARM compares tag names case-insensitively. */
export function recordedSfpkgHash(tags: Record<string, unknown> | undefined): Pick<ProvisionedVersion, 'recordedSha256' | 'unreadableTag'> {
  const entry = Object.entries(tags ?? {}).find(([name]) => name.toLowerCase() === SFPKG_SHA256_TAG);
  if (entry === undefined) return {};
  const value = entry[1];
  if (typeof value === 'string' && /^[0-9a-fA-F]{64}$/.test(value)) return { recordedSha256: value.toLowerCase() };
  return { unreadableTag: String(value) };
}

/**
 * Before anything is staged: the type version as ARM shows it. Provisioned (`Succeeded`), its package
 * is fixed, so the staging only compares this package with it: by the SHA-256 its tag records, else
 * by its `appPackageUrl` (when ARM shows it).
 */
export async function readProvisionedVersion(client: ArmClient, release: ArmRelease): Promise<ProvisionedVersion | undefined> {
  const { typeName, typeVersion } = release;
  const existing = await client.get<ArmResourceState>(
    client.resources.versionId(typeName, typeVersion),
    `the application type version ${typeName} ${typeVersion}`
  );
  if (existing?.properties?.provisioningState !== 'Succeeded') return undefined;
  return { appPackageUrl: existing.properties.appPackageUrl, ...recordedSfpkgHash(existing.tags) };
}

export async function releaseThroughArm(
  client: ArmClient,
  release: ArmRelease,
  record: ReleaseRecord,
  log: (line: string) => void,
  warn: (line: string) => void = log,
  observer?: UpgradeObserver
): Promise<void> {
  const { resources } = client;
  const { typeName, typeVersion } = release;
  record.typeName = typeName;
  record.typeVersion = typeVersion;
  // The phases between stay 'planned': a cancellation's sentence is the ARM client's own (what ARM goes on with).
  record.start();
  const typeId = resources.applicationTypeId(typeName);
  const versionId = resources.versionId(typeName, typeVersion);

  if ((await client.get(typeId, `the application type ${typeName}`)) === undefined) {
    await client.put(typeId, { properties: {} }, `creating the application type ${typeName}`);
  }
  const existing = await client.get<ArmResourceState>(versionId, `the application type version ${typeName} ${typeVersion}`);
  if (existing?.properties?.provisioningState === 'Succeeded') {
    // Provisioned since the step looked (another run, during the staging): by the tag, from which package.
    const recorded = recordedSfpkgHash(existing.tags).recordedSha256;
    if (release.packageSha256 !== undefined && recorded !== undefined && recorded !== release.packageSha256) {
      throw new ReleaseError(
        `${typeName} ${typeVersion} was provisioned from another package while this one was staged (SHA-256 ${recorded} in its tag '${SFPKG_SHA256_TAG}', this package's ${release.packageSha256}): a provisioned version never changes. Nothing was changed through ARM; give the changed packages and the type new versions.`
      );
    }
    // A version resource's package is fixed once provisioned: writing it again would not replace it.
    log(`ARM: ${typeName} ${typeVersion} is provisioned already: its package is not given again.`);
    record.provisionResult = 'already-provisioned';
  } else {
    if (release.packageUrl === '') {
      // Provisioned when the step looked, so nothing was staged; gone since.
      throw new ReleaseError(
        `ARM showed ${typeName} ${typeVersion} provisioned before the staging, and no longer does, so the step staged no package for it. Run the step again.`
      );
    }
    // A lost answer is judged by the version's read-back: provisioned, or provisioning (followed).
    // The tag records what this version is provisioned from, for the comparison of a later release.
    const provisioned = await client.put(
      versionId,
      {
        ...(release.packageSha256 !== undefined ? { tags: { [SFPKG_SHA256_TAG]: release.packageSha256 } } : {}),
        properties: { appPackageUrl: release.packageUrl }
      },
      `provisioning ${typeName} ${typeVersion} from ${release.shownUrl}`,
      (v: unknown) => (v as ArmVersion).properties?.provisioningState === 'Succeeded'
    );
    if (provisioned.state !== 'Succeeded') throw new ReleaseError(`ARM reported provisioning ${typeName} ${typeVersion} ${provisioned.state}.`);
    record.provisionResult = 'provisioned';
  }

  if (release.application !== undefined) {
    const app = release.application;
    const armName = armApplicationName(app.nameInput, app.name);
    const appId = resources.applicationId(armName);
    record.applicationName = app.name;
    const before = await client.get<ArmApplication>(appId, `the application ${armName}`);
    record.previousVersion = versionFromId(before?.properties?.version);
    if (before !== undefined) {
      // Checked before the staging already; again here, as the application may have changed since.
      try {
        app.parameters = app.guard(before);
      } catch (err) {
        if (err instanceof ReleaseError) throw new ReleaseError(`${err.message} (${app.name} changed during the upload; it was not upgraded.)`);
        throw err;
      }
    }
    const parameters = Object.fromEntries(app.parameters.map(p => [p.Key, p.Value]));
    const requested: RequestedApplication = { versionId, parameters, effective: p => app.effective(p), before };
    record.upgradeMode = app.policy.mode;
    record.failureAction = app.policy.failureAction;
    if (before?.properties?.provisioningState === 'Succeeded' && atRequestedState(before, requested)) {
      record.applicationResult = 'unchanged';
      log(`ARM: ${armName} runs ${typeVersion} with the same parameters already: nothing to upgrade.`);
    } else {
      const doing = before === undefined ? `creating the application ${armName} at ${typeVersion}` : `upgrading the application ${armName} to ${typeVersion}`;
      const body = { properties: { version: versionId, parameters, upgradePolicy: buildArmUpgradePolicy(app.policy) } };
      // A lost answer is judged by the read-back: an application that changed since `before` was written by this PUT.
      const put = () => client.put(appId, body, doing, a => atRequestedState(a as ArmApplication, requested) || changedSince(a as ArmApplication, requested));
      const observed = { name: app.name, targetVersion: typeVersion, previousVersion: record.previousVersion, creating: before === undefined };
      const result = observer ? await observer.during(observed, put) : await put();
      const after = await client.get<ArmApplication>(appId, `the application ${armName}`);
      if (after === undefined) throw new ReleaseError(`ARM reported ${doing} ${result.state}, but the application ${armName} does not exist.`);
      // The one place the ARM path sets upgrade-state; a value read from the cluster itself, if any, wins.
      record.upgradeState ??= upgradeStateFromReadBack(after, requested);
      const problem = applicationOutcomeProblem(after, armName, requested, result.state);
      if (problem !== undefined) throw new ReleaseError(problem);
      record.applicationResult = before === undefined ? 'created' : 'upgraded';
      log(`ARM: ${armName} is at ${typeVersion} (provisioningState Succeeded).`);
    }
  }

  if (release.unprovisionOldVersions) await unprovisionUnusedVersions(client, typeName, versionId, record, log, warn);
  record.phase = 'done';
}

/** Deletes the type's version resources that no application uses; those in use are kept. A failure here is a warning: the release succeeded. */
async function unprovisionUnusedVersions(
  client: ArmClient,
  typeName: string,
  releasedId: string,
  record: ReleaseRecord,
  log: (line: string) => void,
  warn: (line: string) => void
): Promise<void> {
  const { resources } = client;
  try {
    const versions = await client.list<ArmVersion>(`${resources.applicationTypeId(typeName)}/versions`, `the versions of ${typeName}`);
    const applications = await client.list<ArmApplication>(resources.applicationsId(), 'the applications');
    const unused = unusedVersions(versions, applications, releasedId);
    for (const version of versions) {
      const name = versionFromId(version.id) ?? version.name!;
      if (version.id === undefined || sameResourceId(version.id, releasedId) || unused.includes(version)) continue;
      record.keptVersions.push(name);
      log(`ARM: ${typeName} ${name}: kept, an application uses it.`);
    }
    for (const version of unused) {
      const name = versionFromId(version.id) ?? version.name!;
      try {
        // The id is rebuilt from the name: the token goes only to resources under this cluster.
        await client.delete(resources.versionId(typeName, name), `unprovisioning ${typeName} ${name}, which no application uses`);
        record.unprovisioned.push(name);
      } catch (err) {
        // An application started to use it since the listing: the cluster refuses, and it stays.
        if (!(err instanceof ArmError && err.status === 409)) throw err;
        record.keptVersions.push(name);
        log(`ARM: ${typeName} ${name}: kept, an application uses it (${err.message}).`);
      }
    }
  } catch (err) {
    if (!(err instanceof ReleaseError || err instanceof ArmError)) throw err;
    warn(`Could not unprovision the old versions of ${typeName} through ARM: ${err.message}`);
  }
}
