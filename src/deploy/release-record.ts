// What the release did, filled in as it goes by deploy.ts and returned by the core: provision,
// create or upgrade, the timeline of upgrade domains, what a cancellation leaves behind.
import { CancelledError } from '../cluster/errors.js';
import type { ApplicationUpgradeProgress } from '../cluster/management-client.js';
import type { DomainTiming } from './wait-for-upgrade.js';
import { sfctlCommands, summarizeEvaluations } from './wait-for-upgrade.js';

/** Where the release got to: decides what a cancellation leaves behind. */
export type ReleasePhase = 'planned' | 'provisioning' | 'creating' | 'upgrading' | 'done';

export class ReleaseRecord {
  typeName?: string;
  typeVersion?: string;
  /** True once a release (more than the upload) was asked for. */
  requested = false;
  phase?: ReleasePhase;
  provisionResult?: 'provisioned' | 'already-provisioned';
  applicationName?: string;
  applicationResult?: 'created' | 'upgraded' | 'unchanged';
  previousVersion?: string;
  upgradeState?: string;
  upgradeMode?: string;
  failureAction?: string;
  domains: DomainTiming[] = [];
  /** The cluster's unhealthy evaluations, in its words, from the latest progress that had some. */
  healthEvaluations: string[] = [];
  /** The upgrade domain the upgrade failed in, as the cluster reports it. */
  failedDomain?: string;
  packageDeleted?: boolean;
  unprovisioned: string[] = [];
  keptVersions: string[] = [];
  private startedAt?: number;
  private endedAt?: number;
  error?: string;

  start(): void {
    this.startedAt ??= Date.now();
  }

  end(): void {
    if (this.startedAt !== undefined) this.endedAt ??= Date.now();
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

  get durationSeconds(): number | undefined {
    if (this.startedAt === undefined) return undefined;
    return ((this.endedAt ?? Date.now()) - this.startedAt) / 1000;
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
}
