// Following a rolling upgrade to its end: a line per upgrade domain started or completed, and a
// terminal state read the way a release engineer needs it. Only RollingForwardCompleted is a
// success; a rollback is a failure, however cleanly it went.
import { CancelledError } from '../cluster/errors.js';
import type { ApplicationUpgradeProgress, HealthEvaluation, HealthEvaluationWrapper, ManagementClient } from '../cluster/management-client.js';
import { applicationIdOf } from '../protocol/management-models.js';
import { type Deadline, Heartbeat, pause, pauseAfterPoll, rampedPollMs, ReleaseError } from './polling.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';

export interface DomainTiming {
  name: string;
  /** ms since epoch, as first seen by this run. */
  startedAt?: number;
  completedAt?: number;
}

export interface UpgradeWatch {
  applicationName: string;
  targetVersion: string;
  /** The version the application ran before the upgrade. */
  previousVersion: string | undefined;
  /** StartTimestampUtc of the upgrade reported before this one was requested: an answer still showing it is stale. */
  staleStart?: string;
  deadline: Deadline;
  pollMs: number;
  log: (line: string) => void;
  /** How the front door names its settings (canonical names without one). */
  names?: SettingNames;
  /** Called after every poll with the latest progress. */
  onProgress?: (progress: ApplicationUpgradeProgress, domains: DomainTiming[]) => void;
  now?: () => number;
}

/** The sfctl commands that watch, resume or roll back an upgrade: what to do next, in every message. */
export function sfctlCommands(applicationName: string): { status: string; rollback: string; resume: (domain: string) => string } {
  const id = applicationIdOf(applicationName);
  return {
    status: `sfctl application upgrade-status --application-id ${id}`,
    rollback: `sfctl application upgrade-rollback --application-id ${id}`,
    resume: domain => `sfctl application upgrade-resume --application-id ${id} --upgrade-domain-name ${domain}`
  };
}

/** What a step that stops waiting says about an upgrade it leaves running: it goes on, and how to follow or stop it. */
export function upgradeGoesOn(applicationName: string): string {
  const c = sfctlCommands(applicationName);
  return `the upgrade goes on in the cluster. Watch it with '${c.status}', or roll it back with '${c.rollback}'`;
}

/** Another upgrade request took over this run's upgrade (the cluster rolls it back and starts the new one). */
export function takeoverMessage(
  watch: Pick<UpgradeWatch, 'applicationName' | 'targetVersion'>,
  other: string | undefined,
  progress: ApplicationUpgradeProgress
): string {
  const details = progress.UpgradeStatusDetails?.trim();
  const by = other && other !== watch.targetVersion ? `an upgrade request to ${other}` : 'another upgrade request';
  return `The upgrade of ${watch.applicationName} to ${watch.targetVersion} was taken over by ${by} from someone else${details ? ` (the cluster says: ${details})` : ''}: the cluster rolls this run's upgrade back and goes on with the new request. This step does not follow that upgrade; check it with '${sfctlCommands(watch.applicationName).status}', then release again if ${watch.targetVersion} is still wanted.`;
}

/** Waits until the upgrade to `targetVersion` completes; any other end throws a ReleaseError that says what happened and what to do. */
export async function waitForUpgrade(client: ManagementClient, watch: UpgradeWatch): Promise<ApplicationUpgradeProgress> {
  const now = watch.now ?? Date.now;
  const domains = new Map<string, DomainTiming>();
  let lastState: string | undefined;
  const commands = sfctlCommands(watch.applicationName);
  const heartbeat = new Heartbeat(watch.pollMs, watch.log);
  let seenOurs = false;
  for (let polls = 1; ; polls++) {
    const polledAt = Date.now();
    const progress = await readProgress(client, watch);
    // Just after the request, the cluster may still report the previous upgrade: only the
    // progress towards this target counts.
    const stale = watch.staleStart !== undefined && progress.StartTimestampUtc === watch.staleStart;
    const sameTarget = progress.TargetApplicationTypeVersion === undefined || progress.TargetApplicationTypeVersion === watch.targetVersion;
    // A newer upgrade to another target, or ours interrupted: someone else's request took over.
    const newer = !stale && (seenOurs || watch.staleStart !== undefined);
    if ((newer && !sameTarget) || (!stale && sameTarget && progress.FailureReason === 'Interrupted')) {
      throw new ReleaseError(takeoverMessage(watch, progress.TargetApplicationTypeVersion, progress));
    }
    if (!stale && sameTarget) {
      seenOurs = true;
      trackDomains(progress, domains, now(), watch.log);
      if (progress.UpgradeState !== lastState) {
        if (lastState !== undefined || progress.UpgradeState !== 'RollingForwardInProgress')
          watch.log(`Upgrade state: ${progress.UpgradeState}${reasonText(progress)}`);
        lastState = progress.UpgradeState;
      }
      watch.onProgress?.(progress, [...domains.values()]);
      const end = terminal(progress, watch, commands);
      if (end === 'success') return progress;
      if (end) throw new ReleaseError(end);
    }
    if (watch.deadline.passed) {
      const where = progress.CurrentUpgradeDomainProgress?.DomainName || progress.NextUpgradeDomain;
      throw new ReleaseError(
        `The upgrade of ${watch.applicationName} to ${watch.targetVersion} did not finish within '${(watch.names ?? CANONICAL_NAMES).DeployTimeout}' (${watch.deadline.seconds} s); it goes on in the cluster (${progress.UpgradeState}${where ? `, upgrade domain ${where}` : ''}). Watch it with '${commands.status}', roll it back with '${commands.rollback}', or raise '${(watch.names ?? CANONICAL_NAMES).DeployTimeout}'.`
      );
    }
    heartbeat.beat(() => {
      const where = progress.CurrentUpgradeDomainProgress?.DomainName;
      return `Waiting for the upgrade of ${watch.applicationName} to ${watch.targetVersion}: ${progress.UpgradeState}${where ? `, upgrade domain ${where}` : ''}`;
    });
    await pause(pauseAfterPoll(rampedPollMs(watch.pollMs, polls), polledAt), client.signal, watch.deadline);
  }
}

/** The progress; a cluster that stops answering ends the wait with what that means for the upgrade. */
async function readProgress(client: ManagementClient, watch: UpgradeWatch): Promise<ApplicationUpgradeProgress> {
  try {
    return await client.getUpgradeProgress(watch.applicationName);
  } catch (err) {
    if (err instanceof CancelledError || !(err instanceof Error)) throw err;
    throw new ReleaseError(
      `The cluster stopped answering while ${watch.applicationName} was upgrading to ${watch.targetVersion} (${err.message.split('. ')[0]}): ${upgradeGoesOn(watch.applicationName)}.`
    );
  }
}

function trackDomains(progress: ApplicationUpgradeProgress, domains: Map<string, DomainTiming>, at: number, log: (line: string) => void): void {
  const rollingBack = progress.UpgradeState.startsWith('RollingBack');
  for (const d of progress.UpgradeDomains ?? []) {
    let timing = domains.get(d.Name);
    if (!timing) {
      timing = { name: d.Name };
      domains.set(d.Name, timing);
    }
    if ((d.State === 'InProgress' || d.State === 'Completed') && timing.startedAt === undefined) {
      timing.startedAt = at;
      if (!rollingBack) log(`Upgrade domain ${d.Name}: started`);
    }
    if (d.State === 'Completed' && timing.completedAt === undefined && !rollingBack) {
      timing.completedAt = at;
      log(`Upgrade domain ${d.Name}: completed (${((at - timing.startedAt!) / 1000).toFixed(1)} s)`);
    }
  }
}

function reasonText(progress: ApplicationUpgradeProgress): string {
  const reason = progress.FailureReason;
  if (!reason || reason === 'None') return '';
  const domain = failedDomain(progress);
  return ` (${reason}${domain ? ` in upgrade domain ${domain}` : ''})`;
}

function failedDomain(progress: ApplicationUpgradeProgress): string | undefined {
  return progress.UpgradeDomainProgressAtFailure?.DomainName || progress.CurrentUpgradeDomainProgress?.DomainName || undefined;
}

const FAILURE_REASONS: Record<string, string> = {
  HealthCheck: 'the health check failed',
  UpgradeDomainTimeout: 'an upgrade domain took longer than UpgradeDomainTimeoutSec',
  OverallUpgradeTimeout: 'the upgrade took longer than UpgradeTimeoutSec',
  Interrupted: 'another upgrade interrupted it'
};

/** Why the upgrade failed, in one sentence: the reason, the domain, what was unhealthy, the cluster's details. */
export function describeFailure(progress: ApplicationUpgradeProgress): string {
  const reason = progress.FailureReason && progress.FailureReason !== 'None' ? progress.FailureReason : undefined;
  const domain = failedDomain(progress);
  const parts = [
    reason ? `${FAILURE_REASONS[reason] ?? reason} (FailureReason ${reason})` : 'the cluster gave no failure reason',
    domain ? `in upgrade domain ${domain}` : undefined
  ].filter(Boolean);
  const unhealthy = summarizeEvaluations(progress.UnhealthyEvaluations);
  let text = parts.join(' ');
  if (unhealthy.length > 0) text += `; unhealthy: ${unhealthy.join('; ')}`;
  if (progress.UpgradeStatusDetails?.trim()) text += `; the cluster says: ${progress.UpgradeStatusDetails.trim()}`;
  return text;
}

/** The message for a terminal state other than success, 'success', or undefined to keep waiting. */
function terminal(progress: ApplicationUpgradeProgress, watch: UpgradeWatch, commands: ReturnType<typeof sfctlCommands>): string | undefined {
  const app = watch.applicationName;
  const target = watch.targetVersion;
  switch (progress.UpgradeState) {
    case 'RollingForwardCompleted':
      return 'success';
    case 'RollingBackCompleted':
      return `The upgrade of ${app} to ${target} failed and was rolled back: ${describeFailure(progress)}. The application runs ${watch.previousVersion ?? 'its previous version'} again; fix the cause and release a new version.`;
    case 'Failed':
      return `The upgrade of ${app} to ${target} failed: ${describeFailure(progress)}. Check the application with '${commands.status}'.`;
    case 'RollingForwardPending': {
      const next = progress.NextUpgradeDomain || failedDomain(progress) || '<domain>';
      const failed = progress.FailureReason && progress.FailureReason !== 'None';
      const why = failed
        ? `stopped after a failure (${describeFailure(progress)}) and, with '${(watch.names ?? CANONICAL_NAMES).FailureAction}: Manual', waits for a decision`
        : `waits for a person to start upgrade domain ${next}`;
      return `The upgrade of ${app} to ${target} ${why}. Roll it back with '${commands.rollback}', or, once the cause is fixed, resume it with '${commands.resume(next)}'.`;
    }
    case 'Invalid':
      return `The cluster reports the upgrade of ${app} to ${target} as Invalid${progress.UpgradeStatusDetails ? `: ${progress.UpgradeStatusDetails}` : ''}. Check it with '${commands.status}'.`;
    default:
      return undefined;
  }
}

/**
 * The unhealthy evaluations in plain words: each chain from the top evaluation to the deepest
 * one, as the cluster describes them ("Unhealthy services: 100% (1/1)… ← Unhealthy event:
 * SourceId='…'"). At most three chains.
 */
export function summarizeEvaluations(evaluations: HealthEvaluationWrapper[] | undefined, limit = 3): string[] {
  const chains: string[] = [];
  const walk = (wrapper: HealthEvaluationWrapper, trail: string[]) => {
    const e = wrapper.HealthEvaluation;
    if (!e) return;
    const here = [...trail, describeEvaluation(e)];
    const children = e.UnhealthyEvaluations ?? [];
    if (children.length === 0) chains.push(here.join(' ← '));
    else for (const c of children) walk(c, here);
  };
  for (const w of evaluations ?? []) walk(w, []);
  const shown = chains.slice(0, limit);
  if (chains.length > limit) shown.push(`and ${chains.length - limit} more`);
  return shown;
}

function describeEvaluation(e: HealthEvaluation): string {
  if (e.Description?.trim()) return e.Description.trim();
  const event = e.UnhealthyEvent as { SourceId?: string; Property?: string; HealthState?: string; Description?: string } | undefined;
  if (event)
    return `event ${event.SourceId ?? '?'}/${event.Property ?? '?'} is ${event.HealthState ?? 'unhealthy'}${event.Description ? `: ${event.Description}` : ''}`;
  return `${e.Kind ?? 'an entity'} is ${e.AggregatedHealthState ?? 'unhealthy'}`;
}
