// The release after the upload: provision the type, create or upgrade the application and wait
// for it, unprovision old versions. The core calls planRelease() after the scan,
// checkAlreadyProvisioned() once connected, and deployRelease() after the upload.
import { type ReleaseSpec as DeployInputs, wantsRelease } from './release-spec.js';
import type { ReleaseRecord as ReleaseReport } from './release-record.js';
import { type Reporter, SILENT_REPORTER } from '../util/reporter.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import { ImageStoreError } from '../cluster/errors.js';
import { GatewayClient } from '../cluster/gateway-client.js';
import { type ApplicationInfo, type ApplicationUpgradeProgress, ManagementClient, ManagementErrorCode } from '../cluster/management-client.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { effectiveParameters } from './application-parameters.js';
import { Deadline, pause, pollIntervalMs, ReleaseError } from './polling.js';
import { checkProvisioned, deleteUploadedPackage, type PollOptions, provisionPackage } from './provision.js';
import { checkApplicationType, checkVersionOrder, guardOmittedParameters } from './release-guards.js';
import { type ApplicationPlan, buildReleasePlan, readPackageIdentity, type ReleasePlan } from './release-plan.js';
import { buildUpgradeDescription } from './upgrade-policy.js';
import { waitForUpgrade } from './wait-for-upgrade.js';

/** Where the release reports, and how the front door names its settings. */
export interface DeployContext {
  reporter: Reporter;
  names: SettingNames;
}

const QUIET: DeployContext = { reporter: SILENT_REPORTER, names: CANONICAL_NAMES };

function pollOptions(deadline: Deadline, { reporter, names }: DeployContext): PollOptions {
  return { deadline, pollMs: pollIntervalMs(), log: line => reporter.info(line), reporter, names };
}
const TERMINAL_STATES = new Set(['RollingForwardCompleted', 'RollingBackCompleted', 'Failed', 'Invalid']);
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * Reads the package's identity (the outputs application-type-name/version are set on every run)
 * and the release the inputs ask for. No request is sent: a bad parameter or setting fails here.
 */
export async function planRelease(
  packageRoot: string,
  imageStorePath: string,
  inputs: DeployInputs,
  report: ReleaseReport,
  { reporter, names }: DeployContext = QUIET
): Promise<ReleasePlan | undefined> {
  const log = (line: string) => reporter.info(line);
  let identity;
  try {
    identity = await readPackageIdentity(packageRoot, names);
  } catch (err) {
    if (wantsRelease(inputs)) throw err;
    reporter.info(`The package's identity could not be read (${(err as Error).message}); it is uploaded as it is.`);
    return undefined;
  }
  report.typeName = identity.manifest.typeName;
  report.typeVersion = identity.manifest.typeVersion;
  const plan = await buildReleasePlan(identity, imageStorePath, inputs, names);
  if (!plan) {
    reporter.info(`Package: ${identity.manifest.typeName} ${identity.manifest.typeVersion}.`);
    return undefined;
  }
  report.requested = true;
  report.phase = 'planned';
  report.applicationName = plan.application?.name;
  report.upgradeMode = plan.application?.policy.mode;
  report.failureAction = plan.application?.policy.failureAction;
  for (const w of plan.warnings) reporter.warning(w);
  await reporter.group(`Plan the release of ${plan.typeName} ${plan.typeVersion}`, async () => {
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
    log(`Deadline: ${plan.deployTimeoutSeconds} s ('${names.DeployTimeout}').`);
  });
  return plan;
}

/**
 * Before any write: is this type+version provisioned already? Identical manifests → nothing to
 * upload (provision-result already-provisioned); different ones → fail, the version must be bumped.
 */
export async function checkAlreadyProvisioned(
  plan: ReleasePlan | undefined,
  cluster: GatewayClient | ManagementClient,
  report: ReleaseReport,
  context: DeployContext = QUIET
): Promise<void> {
  if (!plan) return;
  const client = cluster instanceof GatewayClient ? new ManagementClient(cluster) : cluster;
  const options = pollOptions(new Deadline(plan.deployTimeoutSeconds), context);
  const log = options.log;
  const state = await context.reporter.group(`Is ${plan.typeName} ${plan.typeVersion} provisioned already?`, async () => {
    const s = await checkProvisioned(client, plan, options);
    log(s === 'identical' ? `Yes, with the same manifests: nothing is uploaded or provisioned.` : `No: the package is uploaded and provisioned.`);
    return s;
  });
  if (state === 'identical') {
    plan.alreadyProvisioned = true;
    report.provisionResult = 'already-provisioned';
  }
}

/**
 * Before any write: the application the release targets, as the cluster reports it. Refuses
 * another application type, a downgrade and parameters silently reset (release-guards.ts); with
 * omitted-parameters keep, adds the application's current values to the list sent.
 */
export async function checkReleaseTarget(
  plan: ReleasePlan | undefined,
  cluster: GatewayClient | ManagementClient,
  context: DeployContext = QUIET
): Promise<void> {
  const app = plan?.application;
  if (!plan || !app) return;
  const client = cluster instanceof GatewayClient ? new ManagementClient(cluster) : cluster;
  const { reporter } = context;
  await reporter.group(`Check ${app.name} before writing anything`, async () => {
    const existing = await client.getApplication(app.name);
    if (!existing) {
      reporter.info(`${app.name} does not exist yet: it is created.`);
      return;
    }
    try {
      guardUpgrade(plan, app, existing, context);
    } catch (err) {
      if (err instanceof ReleaseError) throw new ReleaseError(`${err.message} Nothing was uploaded or changed.`);
      throw err;
    }
    reporter.info(
      `${app.name} runs ${existing.TypeName} ${existing.TypeVersion}${existing.Status === 'Ready' ? '' : ` (${existing.Status})`}: nothing stops the release of ${plan.typeVersion}.`
    );
  });
}

/** The guards against the application as it is now; sets the parameters to send. */
function guardUpgrade(plan: ReleasePlan, app: ApplicationPlan, existing: ApplicationInfo, { reporter, names }: DeployContext): void {
  const manifest = plan.identity.manifest;
  checkApplicationType(app, manifest, existing, names);
  // An upgrade already rolling is followed (same version) or refused (another) by createOrUpgrade.
  if (existing.Status === 'Upgrading') return;
  checkVersionOrder(app, manifest, existing, line => reporter.info(line), names);
  const outcome = guardOmittedParameters(app, manifest, existing, names);
  app.parameters = outcome.parameters;
  for (const note of outcome.notes) reporter.info(note);
}

/**
 * After a failure that came before the plan (an invalid package, say): the identity outputs are set
 * all the same when ApplicationManifest.xml itself can be read. Never throws.
 */
export async function recordIdentityForOutputs(packageRoot: string, report: ReleaseReport): Promise<void> {
  if (report.typeName !== undefined) return;
  try {
    const { manifest } = await readPackageIdentity(packageRoot);
    report.typeName = manifest.typeName;
    report.typeVersion = manifest.typeVersion;
  } catch {
    // Unreadable or refused: its error (if any) is already the step's.
  }
}

/** Provisions (unless already done), creates or upgrades the application and waits, unprovisions old versions. */
export async function deployRelease(
  plan: ReleasePlan | undefined,
  cluster: { gateway: GatewayClient; client: ImageStoreClient; management?: ManagementClient },
  report: ReleaseReport,
  context: DeployContext = QUIET
): Promise<void> {
  if (!plan) return;
  report.start();
  try {
    const client = cluster.management ?? new ManagementClient(cluster.gateway);
    const deadline = new Deadline(plan.deployTimeoutSeconds);
    const options = pollOptions(deadline, context);
    const { log, reporter, names } = options;
    if (!plan.alreadyProvisioned) {
      report.phase = 'provisioning';
      await reporter.group(`Provision ${plan.typeName} ${plan.typeVersion}`, async () => {
        const result = await provisionPackage(client, plan, options);
        report.provisionResult = result;
        log(
          result === 'provisioned'
            ? `${plan.typeName} ${plan.typeVersion} is provisioned.`
            : `${plan.typeName} ${plan.typeVersion} was provisioned already, with the same manifests.`
        );
        if (plan.externalStore) {
          await plan.externalStore.afterProvision(log);
        } else if (plan.keepPackage) {
          report.packageDeleted = false;
          log(`The package stays at '${plan.imageStorePath}' ('${names.KeepPackage}: true').`);
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
      await reporter.group(`Unprovision old versions of ${plan.typeName}`, () => unprovisionOldVersions(client, plan, report, options));
    }
    report.phase = 'done';
  } finally {
    report.end();
  }
}

async function createOrUpgrade(client: ManagementClient, plan: ReleasePlan, app: ApplicationPlan, report: ReleaseReport, options: PollOptions): Promise<void> {
  const { log, reporter, names } = options;
  const existing = await client.getApplication(app.name);
  if (!existing) {
    report.phase = 'creating';
    await reporter.group(`Create ${app.name}`, async () => {
      try {
        await client.createApplication({ Name: app.name, TypeName: plan.typeName, TypeVersion: plan.typeVersion, ParameterList: app.parameters });
      } catch (err) {
        if (!(err instanceof ImageStoreError && err.is(409, ManagementErrorCode.ApplicationAlreadyExists))) throw err;
        // A retried create whose first answer was lost finds its own application: that is success.
        const found = await client.getApplication(app.name);
        if (found?.TypeName !== plan.typeName || found.TypeVersion !== plan.typeVersion) {
          throw new ReleaseError(`${app.name} was created by someone else while this step ran: run the step again to upgrade it.`);
        }
      }
      const ready = await waitWhileCreating(client, app.name, options);
      report.applicationResult = 'created';
      log(`Created ${app.name} (${plan.typeName} ${plan.typeVersion}, ${app.parameters.length} parameters); its status is ${ready.Status}.`);
    });
    return;
  }

  report.previousVersion = existing.TypeVersion;
  // Checked before the upload already; again here, as the application may have changed since.
  try {
    guardUpgrade(plan, app, existing, { reporter, names });
  } catch (err) {
    if (err instanceof ReleaseError) throw new ReleaseError(`${err.message} (${app.name} changed during the upload; it was not upgraded.)`);
    throw err;
  }
  const upgradeName = `Upgrade ${app.name} from ${existing.TypeVersion} to ${plan.typeVersion}`;
  await reporter.group(upgradeName, async () => {
    const watch = {
      applicationName: app.name,
      targetVersion: plan.typeVersion,
      previousVersion: existing.TypeVersion,
      deadline: options.deadline,
      pollMs: options.pollMs,
      log,
      names,
      onProgress: (p: ApplicationUpgradeProgress, domains: ReleaseReport['domains']) => report.recordProgress(p, domains)
    };
    if (existing.Status === 'Upgrading') {
      const progress = await client.getUpgradeProgress(app.name);
      if (progress.TargetApplicationTypeVersion !== plan.typeVersion) {
        throw new ReleaseError(
          `${app.name} is already upgrading to ${progress.TargetApplicationTypeVersion ?? 'another version'} (${progress.UpgradeState}): starting another upgrade would interrupt it. Wait for it to finish, or roll it back, then run the step again.`
        );
      }
      log(`${app.name} is already upgrading to ${plan.typeVersion} (an earlier run?): following that upgrade.`);
      report.phase = 'upgrading';
      await waitForUpgrade(client, watch);
      report.applicationResult = 'upgraded';
      return;
    }
    if (existing.TypeVersion === plan.typeVersion && sameParameters(plan, app, existing)) {
      report.applicationResult = 'unchanged';
      log(`${app.name} runs ${plan.typeVersion} with the same parameters already: nothing to upgrade.`);
      return;
    }
    logParameterChanges(plan, app, existing, options);
    const description = buildUpgradeDescription(app.name, plan.typeVersion, app.parameters, app.policy);
    // The progress before the request: an answer still showing that upgrade is not ours.
    const before = await client.getUpgradeProgress(app.name).catch(() => undefined);
    report.phase = 'upgrading';
    try {
      await client.upgradeApplication(description);
    } catch (err) {
      if (!(err instanceof ImageStoreError && err.status === 409)) throw err;
      // A retried request whose first answer was lost finds its own upgrade rolling: follow it.
      const now = await client.getUpgradeProgress(app.name).catch(() => undefined);
      const rolling = now !== undefined && now.TargetApplicationTypeVersion === plan.typeVersion && !TERMINAL_STATES.has(now.UpgradeState);
      if (!rolling) {
        if (!err.is(409, ManagementErrorCode.ApplicationAlreadyInTargetVersion)) throw err;
        report.applicationResult = 'unchanged';
        log(`The cluster says ${app.name} is at ${plan.typeVersion} with these parameters already: nothing to upgrade.`);
        return;
      }
    }
    log(
      `Started a ${description.RollingUpgradeMode} rolling upgrade${description.MonitoringPolicy ? ` (failure action ${description.MonitoringPolicy.FailureAction})` : ''}; polling its progress every ${options.pollMs / 1000} s.`
    );
    const done = await waitForUpgrade(client, { ...watch, staleStart: before?.StartTimestampUtc });
    report.upgradeState = done.UpgradeState;
    report.applicationResult = 'upgraded';
    log(`${app.name} runs ${plan.typeVersion}: the upgrade completed in every upgrade domain.`);
  });
}

function sameParameters(plan: ReleasePlan, app: ApplicationPlan, existing: ApplicationInfo): boolean {
  const wanted = effectiveParameters(plan.identity.manifest, app.parameters);
  const current = effectiveParameters(plan.identity.manifest, existing.Parameters ?? []);
  if (wanted.size !== current.size) return false;
  for (const [k, v] of wanted) if (current.get(k) !== v) return false;
  return true;
}

/** Names only: parameter values may be secrets. */
function logParameterChanges(plan: ReleasePlan, app: ApplicationPlan, existing: ApplicationInfo, { log, reporter, names }: PollOptions): void {
  const wanted = effectiveParameters(plan.identity.manifest, app.parameters);
  const current = effectiveParameters(plan.identity.manifest, existing.Parameters ?? []);
  const changed = [...wanted.keys()].filter(k => wanted.get(k) !== current.get(k));
  if (changed.length > 0) log(`Parameters that change: ${changed.join(', ')}.`);
  const given = new Set(app.parameters.map(p => p.Key));
  const resetting = (existing.Parameters ?? []).map(p => p.Key).filter(k => !given.has(k) && wanted.has(k) && changed.includes(k));
  if (resetting.length > 0) {
    reporter.warning(
      `${resetting.join(', ')} ${resetting.length === 1 ? 'is' : 'are'} set on ${app.name} but not in the parameter file or '${names.ApplicationParameters}': the upgrade sends the full list, so ${resetting.length === 1 ? 'it returns' : 'they return'} to the manifest default.`
    );
  }
}

async function waitWhileCreating(client: ManagementClient, name: string, options: PollOptions): Promise<ApplicationInfo> {
  for (;;) {
    const app = await client.getApplication(name);
    if (app && app.Status !== 'Creating') {
      if (app.Status === 'Failed')
        throw new ReleaseError(`The cluster could not create ${name}: its status is Failed. Check it with 'sfctl application info'.`);
      return app;
    }
    if (options.deadline.passed) {
      throw new ReleaseError(
        `${name} was still being created after '${options.names.DeployTimeout}' (${options.deadline.seconds} s): the cluster goes on. Check it with 'sfctl application list'.`
      );
    }
    await pause(options.pollMs, client.signal, options.deadline);
  }
}

async function unprovisionOldVersions(client: ManagementClient, plan: ReleasePlan, report: ReleaseReport, options: PollOptions): Promise<void> {
  const { log, reporter, names } = options;
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
        reporter.warning(
          `${plan.typeName} ${started.join(', ')} ${started.length === 1 ? 'was' : 'were'} still unprovisioning at '${names.DeployTimeout}': the cluster goes on.`
        );
        break;
      }
      await pause(options.pollMs, client.signal, options.deadline);
    }
  } catch (err) {
    if (err instanceof ReleaseError || err instanceof ImageStoreError) {
      // The release itself succeeded: a cleanup that fails is worth a warning, not a failed step.
      reporter.warning(`Could not unprovision the old versions of ${plan.typeName}: ${err.message}`);
      return;
    }
    throw err;
  }
}
