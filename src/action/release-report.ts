// What the release did (issue 11), as step outputs and as facts for the job summary. Written
// whether the step succeeds or fails, with every value known by then.
import * as core from '@actions/core';
import { CancelledError } from '../cluster/errors.js';
import type { ApplicationUpgradeProgress } from '../cluster/management-client.js';
import type { DomainTiming } from '../deploy/wait-for-upgrade.js';
import { sfctlCommands, summarizeEvaluations } from '../deploy/wait-for-upgrade.js';
import type { ReleaseFacts } from './summary-markdown.js';
import type { TimedSpan } from './summary-timeline.js';

export const ReleaseOutput = {
  ApplicationTypeName: 'application-type-name',
  ApplicationTypeVersion: 'application-type-version',
  ProvisionResult: 'provision-result',
  ApplicationResult: 'application-result',
  PreviousApplicationTypeVersion: 'previous-application-type-version',
  UpgradeState: 'upgrade-state',
  DeployDurationSeconds: 'deploy-duration-seconds'
} as const;

/** Where the release got to: decides what a cancellation leaves behind. */
export type ReleasePhase = 'planned' | 'provisioning' | 'reading-application' | 'creating' | 'upgrading' | 'unprovisioning' | 'done';

/** The timeline's name of each phase that takes time on the cluster. */
const PHASE_NAMES: Partial<Record<ReleasePhase, string>> = {
  provisioning: 'Provision',
  'reading-application': 'Read the application',
  creating: 'Create the application',
  upgrading: 'Upgrade',
  unprovisioning: 'Unprovision old versions'
};

export class ReleaseReport {
  typeName?: string;
  typeVersion?: string;
  /** True once a release (more than the upload) was asked for. */
  requested = false;
  private currentPhase?: ReleasePhase;
  private readonly spans: TimedSpan[] = [];
  provisionResult?: 'provisioned' | 'already-provisioned';
  applicationName?: string;
  applicationResult?: 'created' | 'upgraded' | 'unchanged';
  previousVersion?: string;
  upgradeState?: string;
  upgradeMode?: string;
  failureAction?: string;
  domains: DomainTiming[] = [];
  healthEvaluations: string[] = [];
  failedDomain?: string;
  packageDeleted?: boolean;
  unprovisioned: string[] = [];
  keptVersions: string[] = [];
  private startedAt?: number;
  private endedAt?: number;
  error?: string;

  get phase(): ReleasePhase | undefined {
    return this.currentPhase;
  }

  /** Entering a phase ends the one before it on the timeline. */
  set phase(next: ReleasePhase | undefined) {
    if (next === this.currentPhase) return;
    const now = Date.now();
    const open = this.spans.at(-1);
    if (open && open.endedAt === undefined) open.endedAt = now;
    const name = next === undefined ? undefined : PHASE_NAMES[next];
    if (name !== undefined) this.spans.push({ name, startedAt: now });
    this.currentPhase = next;
  }

  start(): void {
    this.startedAt ??= Date.now();
  }

  end(): void {
    if (this.startedAt !== undefined) this.endedAt ??= Date.now();
    const open = this.spans.at(-1);
    if (open && open.endedAt === undefined) open.endedAt = this.endedAt ?? Date.now();
  }

  get durationSeconds(): number | undefined {
    if (this.startedAt === undefined) return undefined;
    return ((this.endedAt ?? Date.now()) - this.startedAt) / 1000;
  }

  outputs(): Record<string, string> {
    const duration = this.durationSeconds;
    const values: Record<string, string | undefined> = {
      [ReleaseOutput.ApplicationTypeName]: this.typeName,
      [ReleaseOutput.ApplicationTypeVersion]: this.typeVersion,
      [ReleaseOutput.ProvisionResult]: this.provisionResult,
      [ReleaseOutput.ApplicationResult]: this.applicationResult,
      [ReleaseOutput.PreviousApplicationTypeVersion]: this.previousVersion,
      [ReleaseOutput.UpgradeState]: this.upgradeState,
      [ReleaseOutput.DeployDurationSeconds]: duration === undefined ? undefined : duration.toFixed(3)
    };
    return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
  }

  writeOutputs(): void {
    this.end();
    for (const [name, value] of Object.entries(this.outputs())) core.setOutput(name, value);
  }

  /**
   * The message for a failure once the release has started, or undefined to keep the upload's
   * own message. A cancelled job does not stop what the cluster is doing: say so, and how to
   * watch it or roll it back.
   */
  failureMessage(err: unknown, cancelled: boolean): string | undefined {
    const isCancel = err instanceof CancelledError || cancelled;
    if (!isCancel || this.phase === undefined || this.phase === 'planned') return undefined;
    const app = this.applicationName;
    switch (this.phase) {
      case 'provisioning':
        return `The job was cancelled while ${this.typeName} ${this.typeVersion} was provisioning: the cluster goes on provisioning it. Check it with 'sfctl application type-list'; running the step again continues from there.`;
      case 'reading-application':
        return `The job was cancelled while reading ${app}, before anything was started for it on the cluster: run the step again.`;
      case 'creating':
        return `The job was cancelled while ${app} was being created: the cluster goes on creating it. Check it with 'sfctl application info --application-id ${app?.replace(/^fabric:\//, '').replace(/\//g, '~')}'.`;
      case 'upgrading': {
        const c = sfctlCommands(app ?? '');
        return `The job was cancelled while ${app} was upgrading to ${this.typeVersion}: the upgrade goes on in the cluster (a cancelled job does not stop it). Watch it with '${c.status}', or roll it back with '${c.rollback}'.`;
      }
      default:
        return undefined;
    }
  }

  /** Records the latest upgrade progress: its state, the domains seen, and what was unhealthy. */
  recordProgress(progress: ApplicationUpgradeProgress, domains: DomainTiming[]): void {
    this.upgradeState = progress.UpgradeState;
    this.domains = domains;
    const failedDomain = progress.UpgradeDomainProgressAtFailure?.DomainName;
    if (failedDomain) this.failedDomain = failedDomain;
    const unhealthy = summarizeEvaluations(progress.UnhealthyEvaluations);
    if (unhealthy.length > 0) this.healthEvaluations = unhealthy;
  }

  /** The release's phases for the summary's timeline; a failed release's last phase is marked failed. */
  phaseSpans(): TimedSpan[] {
    const failed = this.error !== undefined && this.phase !== 'done';
    return this.spans.map((span, i) => (failed && i === this.spans.length - 1 ? { ...span, failed: true } : span));
  }

  /** What the summary says about the release, or undefined when only an upload was asked for. */
  summaryFacts(): ReleaseFacts | undefined {
    if (!this.requested) return undefined;
    return {
      typeName: this.typeName,
      typeVersion: this.typeVersion,
      applicationName: this.applicationName,
      provisionResult: this.provisionResult,
      applicationResult: this.applicationResult,
      previousVersion: this.previousVersion,
      upgradeMode: this.upgradeMode,
      failureAction: this.failureAction,
      upgradeState: this.upgradeState,
      done: this.phase === 'done',
      domains: this.domains,
      healthEvaluations: this.healthEvaluations,
      failedDomain: this.failedDomain,
      packageDeleted: this.packageDeleted,
      unprovisioned: this.unprovisioned,
      keptVersions: this.keptVersions,
      durationSeconds: this.durationSeconds
    };
  }
}
