// A release through ARM: the application type (if missing), the type version with
// its appPackageUrl, then the application with its version, parameters and upgradePolicy; each
// operation followed to its end, and the application read back, because a rolled-back upgrade has
// been reported `Succeeded` by ARM.
import type { ParameterPair } from '../cluster/management-client.js';
import { ReleaseError } from '../deploy/polling.js';
import type { ReleaseRecord } from '../deploy/release-record.js';
import type { UpgradePolicy } from '../deploy/upgrade-policy.js';
import type { ArmClient } from './arm-client.js';
import { type ArmApplication, applicationOutcomeProblem, type ArmVersion, unusedVersions, versionFromId } from './arm-outcome.js';
import { armApplicationName } from './arm-target.js';
import { buildArmUpgradePolicy } from './arm-upgrade-policy.js';

export interface ArmRelease {
  typeName: string;
  typeVersion: string;
  /** The `.sfpkg` URL with its read SAS (a secret, registered already). */
  packageUrl: string;
  /** The URL without its query, for the log. */
  shownUrl: string;
  application: { name: string; nameInput: string; parameters: ParameterPair[]; policy: UpgradePolicy } | undefined;
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

interface ArmResourceState {
  properties?: { provisioningState?: string; appPackageUrl?: string };
}

export async function releaseThroughArm(
  client: ArmClient,
  release: ArmRelease,
  record: ReleaseRecord,
  log: (line: string) => void,
  observer?: UpgradeObserver
): Promise<void> {
  const { resources } = client;
  const { typeName, typeVersion } = release;
  record.typeName = typeName;
  record.typeVersion = typeVersion;
  const typeId = resources.applicationTypeId(typeName);
  const versionId = resources.versionId(typeName, typeVersion);

  if ((await client.get(typeId, `the application type ${typeName}`)) === undefined) {
    await client.put(typeId, { properties: {} }, `creating the application type ${typeName}`);
  }
  const existing = await client.get<ArmResourceState>(versionId, `the application type version ${typeName} ${typeVersion}`);
  if (existing?.properties?.provisioningState === 'Succeeded') {
    // A version resource's package is fixed once provisioned: writing it again would not replace it.
    log(`ARM: ${typeName} ${typeVersion} is provisioned already: its package is not given again.`);
    record.provisionResult = 'already-provisioned';
  } else {
    const provisioned = await client.put(
      versionId,
      { properties: { appPackageUrl: release.packageUrl } },
      `provisioning ${typeName} ${typeVersion} from ${release.shownUrl}`
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
    if (before !== undefined && record.previousVersion === typeVersion && before.properties?.provisioningState === 'Succeeded') {
      log(`ARM: ${armName} is at ${typeVersion} already; its parameters and policy are written again.`);
    }
    const parameters = Object.fromEntries(app.parameters.map(p => [p.Key, p.Value]));
    const doing = before === undefined ? `creating the application ${armName} at ${typeVersion}` : `upgrading the application ${armName} to ${typeVersion}`;
    const put = () => client.put(appId, { properties: { version: versionId, parameters, upgradePolicy: buildArmUpgradePolicy(app.policy) } }, doing);
    const observed = { name: app.name, targetVersion: typeVersion, previousVersion: record.previousVersion, creating: before === undefined };
    const result = observer ? await observer.during(observed, put) : await put();
    record.upgradeMode = app.policy.mode;
    record.failureAction = app.policy.failureAction;
    const after = await client.get<ArmApplication>(appId, `the application ${armName}`);
    if (after === undefined) throw new ReleaseError(`ARM reported ${doing} ${result.state}, but the application ${armName} does not exist.`);
    const problem = applicationOutcomeProblem(after, armName, versionId, result.state);
    if (problem !== undefined) throw new ReleaseError(problem);
    record.applicationResult = before === undefined ? 'created' : 'upgraded';
    log(`ARM: ${armName} is at ${typeVersion} (provisioningState Succeeded).`);
  }

  if (release.unprovisionOldVersions) {
    const versions = await client.list<ArmVersion>(`${typeId}/versions`, `the versions of ${typeName}`);
    const applications = await client.list<ArmApplication>(resources.applicationsId(), 'the applications');
    for (const version of unusedVersions(versions, applications, versionId)) {
      const name = versionFromId(version.id) ?? version.name!;
      // The id is rebuilt from the name: the token goes only to resources under this cluster.
      await client.delete(resources.versionId(typeName, name), `unprovisioning ${typeName} ${name}, which no application uses`);
      record.unprovisioned.push(name);
    }
  }
  record.phase = 'done';
}
