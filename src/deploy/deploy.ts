// The release after the upload: provision the type, create or upgrade the application and wait
// for it, unprovision old versions. The core calls planRelease() after the scan,
// checkAlreadyProvisioned() once connected, and deployRelease() after the upload.
import { type ReleaseSpec as DeployInputs, wantsRelease } from './release-spec.js';
import type { ReleaseRecord as ReleaseReport } from './release-record.js';
import { type Reporter, SILENT_REPORTER } from '../util/reporter.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import { CancelledError, ImageStoreError } from '../cluster/errors.js';
import { GatewayClient } from '../cluster/gateway-client.js';
import { type ApplicationInfo, ManagementClient } from '../cluster/management-client.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { createApplication } from './create-application.js';
import { Deadline, Heartbeat, pause, pollIntervalMs, ReleaseError } from './polling.js';
import { checkProvisioned, deleteUploadedPackage, type PollOptions, provisionPackage } from './provision.js';
import { checkApplicationType, checkVersionOrder, guardOmittedParameters } from './release-guards.js';
import { type ApplicationPlan, buildReleasePlan, readPackageIdentity, type ReleasePlan } from './release-plan.js';
import { upgradeApplication } from './upgrade-application.js';
import { upgradeGoesOn } from './wait-for-upgrade.js';

/** Where the release reports, and how the front door names its settings. */
export interface DeployContext {
  reporter: Reporter;
  names: SettingNames;
}

const QUIET: DeployContext = { reporter: SILENT_REPORTER, names: CANONICAL_NAMES };

function pollOptions(deadline: Deadline, { reporter, names }: DeployContext): PollOptions {
  return { deadline, pollMs: pollIntervalMs(), log: line => reporter.info(line), reporter, names };
}
const DEADLINE_GRACE_MS = 500;
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * Reads the package's identity (the outputs application-type-name/version are set on every run)
 * and the release the inputs ask for. No request is sent: a bad parameter or setting fails here.
 */
/** How the cluster gets the package: from the Image Store, or an `.sfpkg` in Blob storage (gateway or ARM). */
export type PackageRoute = 'image-store' | 'blob-storage' | 'arm';

export async function planRelease(
  packageRoot: string,
  imageStorePath: string,
  inputs: DeployInputs,
  report: ReleaseReport,
  { reporter, names }: DeployContext = QUIET,
  route: PackageRoute = 'image-store'
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
    log(provisionLine(plan, route));
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
 * Before any write, both checks below with their first reads side by side: whether the type+version
 * is provisioned already, and the application the release targets (one round trip instead of two).
 * Each check still reports in its own group, in this order, and fails as it did alone.
 */
export async function checkBeforeWriting(
  plan: ReleasePlan | undefined,
  cluster: GatewayClient | ManagementClient,
  report: ReleaseReport,
  context: DeployContext = QUIET
): Promise<void> {
  if (!plan) return;
  const client = cluster instanceof GatewayClient ? new ManagementClient(cluster) : cluster;
  const existing = readApplication(client, plan.application?.name);
  await checkAlreadyProvisioned(plan, client, report, context);
  await checkReleaseTarget(plan, client, context, existing);
}

/** Starts reading the application, observed at once: a caller that fails before awaiting it leaves no unhandled rejection. */
function readApplication(client: ManagementClient, name: string | undefined): Promise<ApplicationInfo | undefined> | undefined {
  if (name === undefined) return undefined;
  const read = client.getApplication(name);
  read.catch(() => undefined);
  return read;
}

/**
 * Before any write: the application the release targets, as the cluster reports it. Refuses
 * another application type, a downgrade and parameters silently reset (release-guards.ts); with
 * omitted-parameters keep, adds the application's current values to the list sent. `existing`:
 * the application already being read (checkBeforeWriting).
 */
export async function checkReleaseTarget(
  plan: ReleasePlan | undefined,
  cluster: GatewayClient | ManagementClient,
  context: DeployContext = QUIET,
  existingRead?: Promise<ApplicationInfo | undefined>
): Promise<void> {
  const app = plan?.application;
  if (!plan || !app) return;
  const client = cluster instanceof GatewayClient ? new ManagementClient(cluster) : cluster;
  const { reporter } = context;
  await reporter.group(`Check ${app.name} before writing anything`, async () => {
    const existing = await (existingRead ?? client.getApplication(app.name));
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

/** What the caller does beside the release. */
export interface DeployHooks {
  /**
   * Called once the cluster needs the uploaded package no more (provisioned, and removed unless
   * kept), and awaited before deployRelease returns; it runs beside the create or upgrade. The
   * core releases its lease on the destination here. Must not reject.
   */
  packageDone?: () => Promise<void>;
}

/** Provisions (unless already done), creates or upgrades the application and waits, unprovisions old versions. */
export async function deployRelease(
  plan: ReleasePlan | undefined,
  cluster: { gateway: GatewayClient; client: ImageStoreClient; management?: ManagementClient },
  report: ReleaseReport,
  context: DeployContext = QUIET,
  hooks: DeployHooks = {}
): Promise<void> {
  if (!plan) return;
  report.start();
  const deadline = new Deadline(plan.deployTimeoutSeconds);
  // The deadline bounds the whole release, requests and their retries included. The waits end at
  // the deadline with their own message; the grace only lets them say it before a request is cut.
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), deadline.remainingMs + DEADLINE_GRACE_MS);
  const gateway = cluster.management?.gateway ?? cluster.gateway;
  let packageDone: Promise<void> | undefined;
  try {
    const client = new ManagementClient(gateway.boundedBy(timer.signal));
    const options = pollOptions(deadline, context);
    const { log, reporter, names } = options;
    let existing: Promise<ApplicationInfo | undefined> | undefined;
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
          // Provisioned with ApplicationPackageCleanupPolicy Manual: the cluster has its own copy and leaves
          // this one to us. The application is read again for createOrUpgrade meanwhile (after the upload, as it must be).
          existing = readApplication(client, plan.application?.name);
          await deleteUploadedPackage(cluster.client, plan.imageStorePath);
          report.packageDeleted = true;
          log(`Removed the uploaded package '${plan.imageStorePath}' from the Image Store: the cluster keeps its own copy.`);
        }
      });
    }
    packageDone = hooks.packageDone?.();
    if (plan.application) {
      await createOrUpgrade(client, plan, plan.application, report, options, existing);
    }
    if (plan.unprovisionOldVersions) {
      await reporter.group(`Unprovision old versions of ${plan.typeName}`, () => unprovisionOldVersions(client, plan, report, options));
    }
    report.phase = 'done';
  } catch (err) {
    if (err instanceof CancelledError && timer.signal.aborted && !gateway.signal?.aborted) throw new ReleaseError(deadlineMessage(plan, report, context.names));
    throw err;
  } finally {
    await packageDone;
    clearTimeout(timeout);
    report.end();
  }
}

/** The release ran out of its deadline in the middle of a request: what goes on in the cluster. */
function deadlineMessage(plan: ReleasePlan, report: ReleaseReport, names: SettingNames): string {
  const limit = `'${names.DeployTimeout}' (${plan.deployTimeoutSeconds} s)`;
  const app = plan.application?.name ?? '';
  switch (report.phase) {
    case 'upgrading':
      return `The release of ${plan.typeName} ${plan.typeVersion} did not finish within ${limit} while ${app} was upgrading: ${upgradeGoesOn(app)}; or raise '${names.DeployTimeout}'.`;
    case 'creating':
      return `The release of ${plan.typeName} ${plan.typeVersion} did not finish within ${limit} while ${app} was being created: check it with 'sfctl application list', then run the step again, or raise '${names.DeployTimeout}'.`;
    default:
      return `The release of ${plan.typeName} ${plan.typeVersion} did not finish within ${limit}: the cluster goes on with what it was asked. Check it with 'sfctl application type-list', then run the step again (it continues from there), or raise '${names.DeployTimeout}'.`;
  }
}

async function createOrUpgrade(
  client: ManagementClient,
  plan: ReleasePlan,
  app: ApplicationPlan,
  report: ReleaseReport,
  options: PollOptions,
  existingRead?: Promise<ApplicationInfo | undefined>
): Promise<void> {
  const { reporter, names } = options;
  const existing = await (existingRead ?? client.getApplication(app.name));
  if (!existing) {
    report.phase = 'creating';
    await reporter.group(`Create ${app.name}`, () => createApplication(client, plan, app, report, options));
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
  await reporter.group(`Upgrade ${app.name} from ${existing.TypeVersion} to ${plan.typeVersion}`, () =>
    upgradeApplication(client, plan, app, existing, report, options)
  );
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
    const heartbeat = new Heartbeat(options.pollMs, log);
    while (started.length > 0) {
      heartbeat.beat(() => `Waiting for ${plan.typeName} ${started.join(', ')} to be unprovisioned`);
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

function provisionLine(plan: ReleasePlan, route: PackageRoute): string {
  const what = `${plan.typeName} ${plan.typeVersion}`;
  if (route === 'arm') return `Register ${what} through ARM as an application type version whose package is an .sfpkg in Blob storage.`;
  if (route === 'blob-storage') return `Provision ${what} from an .sfpkg in Blob storage (the cluster downloads it; nothing goes to the Image Store).`;
  return `Provision ${what} from '${plan.imageStorePath}'${plan.keepPackage ? ', keeping the package in the Image Store' : ', then remove the package from the Image Store'}.`;
}
