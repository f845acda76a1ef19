// Registering the uploaded package as an application type: asynchronous provision, polling the
// type's status, removing the package afterwards; and the check that makes re-runs cheap: the
// same type+version already provisioned with the same manifests needs no upload at all.
import { ImageStoreError } from '../cluster/errors.js';
import { type ApplicationTypeInfo, ManagementErrorCode, type ManagementClient } from '../cluster/management-client.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { canonicalXml } from '../protocol/manifests.js';
import { type Deadline, Heartbeat, pause, pauseAfterPoll, rampedPollMs, ReleaseError } from './polling.js';
import { sendOnceThrough } from './unanswered.js';
import type { ReleasePlan } from './release-plan.js';
import type { Reporter } from '../util/reporter.js';
import type { SettingNames } from '../util/settings.js';
import { allInOrder } from '../util/concurrency.js';

export interface PollOptions {
  deadline: Deadline;
  pollMs: number;
  log: (line: string) => void;
  reporter: Reporter;
  /** How the front door names its settings, for the messages that blame one. */
  names: SettingNames;
}

export type ProvisionedState = 'absent' | 'identical';

/**
 * Is the package's type+version already provisioned? `identical` when the cluster holds the same
 * application manifest and the same service manifests (formatting aside); a different one fails
 * before anything is written, because a provisioned version is immutable.
 */
export async function checkProvisioned(client: ManagementClient, plan: ReleasePlan, options: PollOptions): Promise<ProvisionedState> {
  const { typeName, typeVersion } = plan;
  let type = await client.getApplicationType(typeName, typeVersion);
  if (type?.Status === 'Provisioning') {
    options.log(`${typeName} ${typeVersion} is being provisioned already (another run?): waiting for it.`);
    type = await waitForType(client, typeName, typeVersion, options, true);
  }
  if (!type) return 'absent';
  if (type.Status === 'Failed') {
    // Posting the provision again after a failure retries it.
    options.log(
      `${typeName} ${typeVersion} is listed as Failed from an earlier provision${type.StatusDetails ? ` (${type.StatusDetails})` : ''}: it is provisioned again.`
    );
    return 'absent';
  }
  if (type.Status !== 'Available') {
    throw new ReleaseError(`${typeName} ${typeVersion} is ${type.Status} on the cluster: wait until it is done and run the step again.`);
  }
  // The manifests side by side: one round trip, not one per service (and when several reads fail, the
  // first in this order is the error).
  const services = [...plan.identity.serviceManifests];
  const [clusterManifest, ...clusterServiceXmls] = await allInOrder([
    client.getApplicationManifest(typeName, typeVersion),
    ...services.map(([name]) => client.getServiceManifest(typeName, typeVersion, name))
  ]);
  const differences: string[] = [];
  if (clusterManifest === undefined || !sameXml(clusterManifest, plan.identity.manifestXml)) differences.push('ApplicationManifest.xml');
  services.forEach(([name, localXml], i) => {
    const clusterXml = clusterServiceXmls[i];
    if (clusterXml !== undefined && !sameXml(clusterXml, localXml)) differences.push(`${name}/ServiceManifest.xml`);
  });
  if (differences.length > 0) {
    throw new ReleaseError(
      `${typeName} ${typeVersion} is already provisioned on the cluster with a different ${differences.join(' and ')}: a provisioned version cannot change, so bump ApplicationTypeVersion (and the version of every changed service manifest and package), or let 'version-stamp: content' do it, and run the step again. Nothing was uploaded.`
    );
  }
  return 'identical';
}

function sameXml(a: string, b: string): boolean {
  try {
    return canonicalXml(a) === canonicalXml(b);
  } catch {
    return false;
  }
}

/**
 * Provisions the uploaded package and waits until the type is Available. Returns 'provisioned',
 * or 'already-provisioned' when the cluster answers 409 for an identical type+version (a run in
 * parallel got there first).
 */
export async function provisionPackage(client: ManagementClient, plan: ReleasePlan, options: PollOptions): Promise<'provisioned' | 'already-provisioned'> {
  const { typeName, typeVersion } = plan;
  const external = plan.externalStore;
  const seen = { lostAnswers: 0 };
  try {
    await sendOnceThrough(
      client,
      options,
      {
        what: `the provision of ${typeName} ${typeVersion}`,
        send: () => (external ? client.provisionFromExternalStore(external.downloadUrl, typeName, typeVersion) : client.provision(plan.imageStorePath)),
        // Provisioning or Available: the lost request was carried out. Failed: posting again retries it.
        carriedOut: async () => {
          const status = (await client.getApplicationType(typeName, typeVersion))?.Status;
          return status === 'Provisioning' || status === 'Available';
        }
      },
      seen
    );
  } catch (err) {
    if (err instanceof ImageStoreError && err.is(409, ManagementErrorCode.ApplicationTypeAlreadyExists)) {
      // After a lost answer, the type that exists now is this run's provision (not visible yet when the state was read).
      if (seen.lostAnswers === 0 && (await checkProvisioned(client, plan, options)) === 'identical') return 'already-provisioned';
      if (seen.lostAnswers === 0) {
        throw new ReleaseError(
          `The cluster refused to provision ${typeName} ${typeVersion}: it says that type and version exists already (perhaps with a name that differs only in case). Bump ApplicationTypeVersion, or unprovision the existing version.`
        );
      }
    } else {
      throw err;
    }
  }
  const source = external ? `${external.shownAs} (ExternalStore: the cluster downloads it)` : `'${plan.imageStorePath}'`;
  options.log(`Provisioning ${typeName} ${typeVersion} from ${source} (asynchronous; polling its status every ${options.pollMs / 1000} s).`);
  await waitForType(
    client,
    typeName,
    typeVersion,
    options,
    false,
    external ? 'the .sfpkg was left in Blob storage' : 'the package was left in the Image Store'
  );
  return 'provisioned';
}

/** The image builder's refusal of a package version it holds with other content. */
const SAME_VERSION_CHANGED = /has changed, but the version number is the same/i;

/**
 * Polls the type until it is no longer Provisioning. An empty answer just after the 202 means
 * "not visible yet". `allowAbsent`: return undefined instead of waiting when the type is not listed.
 */
async function waitForType(
  client: ManagementClient,
  typeName: string,
  typeVersion: string,
  options: PollOptions,
  allowAbsent: boolean,
  keptAt = 'the package was left in the Image Store'
): Promise<ApplicationTypeInfo | undefined> {
  let lastStatus: string | undefined;
  const heartbeat = new Heartbeat(options.pollMs, options.log);
  for (let polls = 1; ; polls++) {
    const polledAt = Date.now();
    const type = await client.getApplicationType(typeName, typeVersion);
    heartbeat.beat(() => `Waiting for ${typeName} ${typeVersion} to be Available: it is ${type ? type.Status : 'not listed yet'}`);
    if (!type && allowAbsent) return undefined;
    if (type && type.Status !== lastStatus) {
      options.log(`${typeName} ${typeVersion}: ${type.Status}${type.StatusDetails ? ` (${type.StatusDetails})` : ''}`);
      lastStatus = type.Status;
    }
    if (type?.Status === 'Available') return type;
    if (type?.Status === 'Failed') {
      throw new ReleaseError(
        `The cluster could not provision ${typeName} ${typeVersion}: ${(type.StatusDetails?.trim() || 'it gave no details').replace(/\.$/, '')}. ${SAME_VERSION_CHANGED.test(type.StatusDetails ?? '') ? "Give each changed package a new version, and its service manifest and the application type too, or let 'version-stamp: content' do it; then run the step again" : 'Fix the package and run the step again'} (${keptAt} to inspect).`
      );
    }
    if (type && type.Status !== 'Provisioning') {
      throw new ReleaseError(
        `${typeName} ${typeVersion} became ${type.Status} while provisioning${type.StatusDetails ? `: ${type.StatusDetails}` : ''}. Run the step again.`
      );
    }
    if (options.deadline.passed) {
      throw new ReleaseError(
        `${typeName} ${typeVersion} was still ${type ? type.Status : 'not listed'} after '${options.names.DeployTimeout}' (${options.deadline.seconds} s): the cluster goes on provisioning it. Check it with 'sfctl application type-list', then run the step again (it continues from there), or raise '${options.names.DeployTimeout}'.`
      );
    }
    await pause(pauseAfterPoll(rampedPollMs(options.pollMs, polls), polledAt), client.signal, options.deadline);
  }
}

/** Removes the uploaded package after a provision: the cluster keeps its own copy. Gone already is fine. */
export async function deleteUploadedPackage(store: ImageStoreClient, storePath: string): Promise<void> {
  try {
    await store.delete(storePath);
  } catch (err) {
    if (err instanceof ImageStoreError && err.is(404)) return;
    throw err;
  }
}
