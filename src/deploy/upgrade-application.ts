// Upgrading the application: one upgrade request (sent again only when the progress shows that a
// request whose answer was lost started nothing), then the wait for that upgrade. An upgrade this
// run started is followed to its end and never started again, however it ended.
import type { ReleaseRecord as ReleaseReport } from './release-record.js';
import { CancelledError, ImageStoreError } from '../cluster/errors.js';
import { type ApplicationInfo, type ApplicationUpgradeProgress, type ManagementClient, ManagementErrorCode } from '../cluster/management-client.js';
import { effectiveParameters } from './application-parameters.js';
import { ReleaseError } from './polling.js';
import type { PollOptions } from './provision.js';
import type { ApplicationPlan, ReleasePlan } from './release-plan.js';
import { sendOnceThrough } from './unanswered.js';
import { buildUpgradeDescription } from './upgrade-policy.js';
import { takeoverMessage, type UpgradeWatch, waitForUpgrade } from './wait-for-upgrade.js';

export async function upgradeApplication(
  client: ManagementClient,
  plan: ReleasePlan,
  app: ApplicationPlan,
  existing: ApplicationInfo,
  report: ReleaseReport,
  options: PollOptions
): Promise<void> {
  const { log } = options;
  const watch: UpgradeWatch = {
    applicationName: app.name,
    targetVersion: plan.typeVersion,
    previousVersion: existing.TypeVersion,
    deadline: options.deadline,
    pollMs: options.pollMs,
    log,
    names: options.names,
    onProgress: (p, domains) => report.recordProgress(p, domains)
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
  // The progress before the request: an upgrade that started since is the answer to it.
  const before = await client.getUpgradeProgress(app.name).catch((err: unknown) => {
    if (err instanceof CancelledError) throw err;
    return undefined;
  });
  const startedSince = (p: ApplicationUpgradeProgress) =>
    before === undefined
      ? p.TargetApplicationTypeVersion === plan.typeVersion && p.UpgradeState !== 'Invalid'
      : p.StartTimestampUtc !== before.StartTimestampUtc;
  report.phase = 'upgrading';
  const seen = { lostAnswers: 0 };
  try {
    await sendOnceThrough(
      client,
      options,
      {
        what: `the upgrade request of ${app.name} to ${plan.typeVersion}`,
        send: () => client.upgradeApplication(description),
        carriedOut: async () => {
          const now = await client.getUpgradeProgress(app.name);
          if (!startedSince(now)) return false;
          // Another upgrade started meanwhile: sending ours would interrupt it.
          if (now.TargetApplicationTypeVersion !== plan.typeVersion) throw new ReleaseError(takeoverMessage(watch, now.TargetApplicationTypeVersion, now));
          return true;
        }
      },
      seen
    );
  } catch (err) {
    if (!isUpgradeConflict(err)) throw err;
    if (seen.lostAnswers === 0) {
      // Without a lost answer before it, 'already in the target version' means there is nothing to do.
      if (!err.is(409, ManagementErrorCode.ApplicationAlreadyInTargetVersion)) throw err;
      report.applicationResult = 'unchanged';
      log(`The cluster says ${app.name} is at ${plan.typeVersion} with these parameters already: nothing to upgrade.`);
      return;
    }
    // A conflict after a lost answer: the lost request was carried out after all, and the progress
    // read since still showed the state before it (it lags behind the request). Follow the upgrade
    // that started since the progress read before the first request, however long the progress
    // lags (within the deadline); an upgrade to another version is someone else's (a takeover).
    log(
      `The cluster refused the upgrade request sent again (${err.code ?? `HTTP ${err.status}`}): the one whose answer was lost was carried out after all; following the upgrade to ${plan.typeVersion}.`
    );
    const done = await waitForUpgrade(client, { ...watch, staleStart: before?.StartTimestampUtc });
    report.upgradeState = done.UpgradeState;
    report.applicationResult = 'upgraded';
    return;
  }
  log(
    `Started a ${description.RollingUpgradeMode} rolling upgrade${description.MonitoringPolicy ? ` (failure action ${description.MonitoringPolicy.FailureAction})` : ''}; polling its progress every ${options.pollMs / 1000} s.`
  );
  const done = await waitForUpgrade(client, { ...watch, staleStart: before?.StartTimestampUtc });
  report.upgradeState = done.UpgradeState;
  report.applicationResult = 'upgraded';
  log(`${app.name} runs ${plan.typeVersion}: the upgrade completed in every upgrade domain.`);
}

/**
 * The answers an upgrade request gets when an upgrade is already there: 409 (already in the target
 * version, or in progress), or the in-progress code under another status. [undoc] The status a
 * gateway gives FABRIC_E_APPLICATION_UPGRADE_IN_PROGRESS is not documented: the code decides.
 */
function isUpgradeConflict(err: unknown): err is ImageStoreError {
  return err instanceof ImageStoreError && (err.status === 409 || err.code === ManagementErrorCode.ApplicationUpgradeInProgress);
}

function sameParameters(plan: ReleasePlan, app: ApplicationPlan, existing: ApplicationInfo): boolean {
  const wanted = effectiveParameters(plan.identity.manifest, app.parameters);
  const current = effectiveParameters(plan.identity.manifest, existing.Parameters ?? []);
  if (wanted.size !== current.size) return false;
  for (const [k, v] of wanted) if (current.get(k) !== v) return false;
  return true;
}

/** Names only: parameter values may be secrets. */
function logParameterChanges(plan: ReleasePlan, app: ApplicationPlan, existing: ApplicationInfo, options: PollOptions): void {
  const wanted = effectiveParameters(plan.identity.manifest, app.parameters);
  const current = effectiveParameters(plan.identity.manifest, existing.Parameters ?? []);
  const changed = [...wanted.keys()].filter(k => wanted.get(k) !== current.get(k));
  if (changed.length > 0) options.log(`Parameters that change: ${changed.join(', ')}.`);
  const given = new Set(app.parameters.map(p => p.Key));
  const resetting = (existing.Parameters ?? []).map(p => p.Key).filter(k => !given.has(k) && wanted.has(k) && changed.includes(k));
  if (resetting.length > 0) {
    options.reporter.warning(
      `${resetting.join(', ')} ${resetting.length === 1 ? 'is' : 'are'} set on ${app.name} but not in the parameter file or '${options.names.ApplicationParameters}': the upgrade sends the full list, so ${resetting.length === 1 ? 'it returns' : 'they return'} to the manifest default.`
    );
  }
}
