// The release after the upload: provision the type, create or upgrade the application and wait
// for it, unprovision old versions. main.ts calls planRelease() after the scan,
// checkAlreadyProvisioned() once connected, and deployRelease() after the upload.
import * as core from '@actions/core';
import { type DeployInputs, wantsRelease } from '../action/deploy-inputs.js';
import type { ReleaseReport } from '../action/release-report.js';
import { CancelledError, ImageStoreError } from '../cluster/errors.js';
import type { GatewayClient } from '../cluster/gateway-client.js';
import { ManagementClient } from '../cluster/management-client.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { createApplication } from './create-application.js';
import { Deadline, pause, pollIntervalMs, ReleaseError } from './polling.js';
import { checkProvisioned, deleteUploadedPackage, type PollOptions, provisionPackage } from './provision.js';
import { type ApplicationPlan, buildReleasePlan, readPackageIdentity, type ReleasePlan } from './release-plan.js';
import { upgradeApplication } from './upgrade-application.js';
import { upgradeGoesOn } from './wait-for-upgrade.js';

const log = (line: string) => core.info(line);
const DEADLINE_GRACE_MS = 500;
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * Reads the package's identity (the outputs application-type-name/version are set on every run)
 * and the release the inputs ask for. No request is sent: a bad parameter or setting fails here.
 */
export async function planRelease(packageRoot: string, imageStorePath: string, inputs: DeployInputs, report: ReleaseReport): Promise<ReleasePlan | undefined> {
  let identity;
  try {
    identity = await readPackageIdentity(packageRoot);
  } catch (err) {
    if (wantsRelease(inputs)) throw err;
    core.info(`The package's identity could not be read (${(err as Error).message}); it is uploaded as it is.`);
    return undefined;
  }
  report.typeName = identity.manifest.typeName;
  report.typeVersion = identity.manifest.typeVersion;
  const plan = await buildReleasePlan(identity, imageStorePath, inputs);
  if (!plan) {
    core.info(`Package: ${identity.manifest.typeName} ${identity.manifest.typeVersion}.`);
    return undefined;
  }
  report.requested = true;
  report.phase = 'planned';
  report.applicationName = plan.application?.name;
  report.upgradeMode = plan.application?.policy.mode;
  report.failureAction = plan.application?.policy.failureAction;
  for (const w of plan.warnings) core.warning(w);
  await core.group(`Plan the release of ${plan.typeName} ${plan.typeVersion}`, async () => {
    log(
      `Provision ${plan.typeName} ${plan.typeVersion} from '${plan.imageStorePath}'${plan.keepPackage ? ', keeping the package in the Image Store' : ', then remove the package from the Image Store'}.`
    );
    const app = plan.application;
    if (app) {
      const { mode, failureAction, settings } = app.policy;
      log(`Create or upgrade ${app.name} (${mode}${mode === 'Monitored' ? `, failure action ${failureAction}` : ''}).`);
      log(
        `Parameters: ${app.parameters.length === 0 ? 'none given (the manifest defaults)' : app.parameters.map(p => p.Key).join(', ')}${app.parameterSources.length > 0 ? ` from ${app.parameterSources.map(lowerFirst).join(', then ')}` : ''}.`
      );
      const given = Object.entries(settings);
      if (given.length > 0) log(`Upgrade settings: ${given.map(([k, v]) => `${k}=${v}`).join(', ')}.`);
    }
    if (plan.unprovisionOldVersions) log(`Then unprovision the versions of ${plan.typeName} that no application uses.`);
    log(`Deadline: ${plan.deployTimeoutSeconds} s ('deploy-timeout').`);
  });
  return plan;
}

/**
 * Before any write: is this type+version provisioned already? Identical manifests → nothing to
 * upload (provision-result already-provisioned); different ones → fail, the version must be bumped.
 */
export async function checkAlreadyProvisioned(plan: ReleasePlan | undefined, gateway: GatewayClient, report: ReleaseReport): Promise<void> {
  if (!plan) return;
  const client = new ManagementClient(gateway);
  const options: PollOptions = { deadline: new Deadline(plan.deployTimeoutSeconds), pollMs: pollIntervalMs(), log };
  const state = await core.group(`Is ${plan.typeName} ${plan.typeVersion} provisioned already?`, async () => {
    const s = await checkProvisioned(client, plan, options);
    log(s === 'identical' ? `Yes, with the same manifests: nothing is uploaded or provisioned.` : `No: the package is uploaded and provisioned.`);
    return s;
  });
  if (state === 'identical') {
    plan.alreadyProvisioned = true;
    report.provisionResult = 'already-provisioned';
  }
}

/** Provisions (unless already done), creates or upgrades the application and waits, unprovisions old versions. */
export async function deployRelease(
  plan: ReleasePlan | undefined,
  cluster: { gateway: GatewayClient; client: ImageStoreClient },
  report: ReleaseReport
): Promise<void> {
  if (!plan) return;
  report.start();
  const deadline = new Deadline(plan.deployTimeoutSeconds);
  // 'deploy-timeout' bounds the whole release, requests and their retries included. The waits end
  // at the deadline with their own message; the grace only lets them say it before a request is cut.
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), deadline.remainingMs + DEADLINE_GRACE_MS);
  try {
    const gateway = cluster.gateway.boundedBy(timer.signal);
    const client = new ManagementClient(gateway);
    const options: PollOptions = { deadline, pollMs: pollIntervalMs(), log };
    if (!plan.alreadyProvisioned) {
      report.phase = 'provisioning';
      await core.group(`Provision ${plan.typeName} ${plan.typeVersion}`, async () => {
        const result = await provisionPackage(client, plan, options);
        report.provisionResult = result;
        log(
          result === 'provisioned'
            ? `${plan.typeName} ${plan.typeVersion} is provisioned.`
            : `${plan.typeName} ${plan.typeVersion} was provisioned already, with the same manifests.`
        );
        if (plan.keepPackage) {
          report.packageDeleted = false;
          log(`The package stays at '${plan.imageStorePath}' ('keep-package: true').`);
        } else {
          // Provisioned with ApplicationPackageCleanupPolicy Manual: the cluster has its own copy and leaves this one to us.
          await deleteUploadedPackage(cluster.client, plan.imageStorePath);
          report.packageDeleted = true;
          log(`Removed the uploaded package '${plan.imageStorePath}' from the Image Store: the cluster keeps its own copy.`);
        }
      });
    }
    if (plan.application) {
      await createOrUpgrade(client, plan, plan.application, report, options);
    }
    if (plan.unprovisionOldVersions) {
      await core.group(`Unprovision old versions of ${plan.typeName}`, () => unprovisionOldVersions(client, plan, report, options));
    }
    report.phase = 'done';
  } catch (err) {
    if (err instanceof CancelledError && timer.signal.aborted && !cluster.gateway.signal?.aborted) throw new ReleaseError(deadlineMessage(plan, report));
    throw err;
  } finally {
    clearTimeout(timeout);
    report.end();
  }
}

/** The release ran out of 'deploy-timeout' in the middle of a request: what goes on in the cluster. */
function deadlineMessage(plan: ReleasePlan, report: ReleaseReport): string {
  const limit = `'deploy-timeout' (${plan.deployTimeoutSeconds} s)`;
  const app = plan.application?.name ?? '';
  switch (report.phase) {
    case 'upgrading':
      return `The release of ${plan.typeName} ${plan.typeVersion} did not finish within ${limit} while ${app} was upgrading: ${upgradeGoesOn(app)}; or raise 'deploy-timeout'.`;
    case 'creating':
      return `The release of ${plan.typeName} ${plan.typeVersion} did not finish within ${limit} while ${app} was being created: check it with 'sfctl application list', then run the step again, or raise 'deploy-timeout'.`;
    default:
      return `The release of ${plan.typeName} ${plan.typeVersion} did not finish within ${limit}: the cluster goes on with what it was asked. Check it with 'sfctl application type-list', then run the step again (it continues from there), or raise 'deploy-timeout'.`;
  }
}

async function createOrUpgrade(client: ManagementClient, plan: ReleasePlan, app: ApplicationPlan, report: ReleaseReport, options: PollOptions): Promise<void> {
  const existing = await client.getApplication(app.name);
  if (!existing) {
    report.phase = 'creating';
    await core.group(`Create ${app.name}`, () => createApplication(client, plan, app, report, options));
    return;
  }
  report.previousVersion = existing.TypeVersion;
  if (existing.TypeName !== plan.typeName) {
    throw new ReleaseError(
      `${app.name} exists with the application type ${existing.TypeName}, not ${plan.typeName}: an upgrade cannot change the type. Choose another 'application-name', or delete the application first.`
    );
  }
  await core.group(`Upgrade ${app.name} from ${existing.TypeVersion} to ${plan.typeVersion}`, () =>
    upgradeApplication(client, plan, app, existing, report, { ...options, warn: line => core.warning(line) })
  );
}

async function unprovisionOldVersions(client: ManagementClient, plan: ReleasePlan, report: ReleaseReport, options: PollOptions): Promise<void> {
  try {
    const versions = await client.listApplicationTypeVersions(plan.typeName);
    const old = versions.filter(v => v.Version !== plan.typeVersion && (v.Status === 'Available' || v.Status === 'Failed'));
    if (old.length === 0) {
      log(`No other version of ${plan.typeName} is provisioned.`);
      return;
    }
    const started: string[] = [];
    for (const v of old) {
      const result = await client.unprovision(plan.typeName, v.Version);
      if (result === 'in-use') {
        report.keptVersions.push(v.Version);
        log(`${plan.typeName} ${v.Version}: kept, an application uses it.`);
      } else if (result === 'unprovisioning') {
        started.push(v.Version);
      }
    }
    // Asynchronous: wait until the cluster no longer lists them.
    while (started.length > 0) {
      const listed = new Set((await client.listApplicationTypeVersions(plan.typeName)).map(v => v.Version));
      for (const v of [...started]) {
        if (!listed.has(v)) {
          started.splice(started.indexOf(v), 1);
          report.unprovisioned.push(v);
          log(`${plan.typeName} ${v}: unprovisioned.`);
        }
      }
      if (started.length === 0) break;
      if (options.deadline.passed) {
        core.warning(
          `${plan.typeName} ${started.join(', ')} ${started.length === 1 ? 'was' : 'were'} still unprovisioning at 'deploy-timeout': the cluster goes on.`
        );
        break;
      }
      await pause(options.pollMs, client.signal, options.deadline);
    }
  } catch (err) {
    if (err instanceof ReleaseError || err instanceof ImageStoreError) {
      // The release itself succeeded: a cleanup that fails is worth a warning, not a failed step.
      core.warning(`Could not unprovision the old versions of ${plan.typeName}: ${err.message}`);
      return;
    }
    throw err;
  }
}
