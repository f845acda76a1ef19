// What the release did (issue 11), as step outputs and as a section of the job summary. Written
// whether the step succeeds or fails, with every value known by then.
import * as core from '@actions/core';
import { CancelledError } from '../cluster/errors.js';
import type { DomainTiming } from '../deploy/wait-for-upgrade.js';
import { sfctlCommands } from '../deploy/wait-for-upgrade.js';

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
export type ReleasePhase = 'planned' | 'provisioning' | 'creating' | 'upgrading' | 'done';

export class ReleaseReport {
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

  /** What a SIGINT/SIGTERM stops at this moment: the upload, or the wait for what the cluster goes on doing. */
  cancelling(): string {
    switch (this.phase) {
      case 'provisioning':
        return `the wait for the provision of ${this.typeName} ${this.typeVersion} (the cluster goes on provisioning it)`;
      case 'creating':
        return `the wait for the creation of ${this.applicationName} (the cluster goes on creating it)`;
      case 'upgrading':
        return `the wait for the upgrade of ${this.applicationName} to ${this.typeVersion} (the upgrade goes on in the cluster)`;
      default:
        return 'the upload';
    }
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

  /** Writes the release section of the job summary (only when a release was asked for); never fatal. */
  async writeSummary(): Promise<void> {
    if (!this.requested) return;
    try {
      const what = [
        this.provisionResult === 'provisioned'
          ? 'provisioned'
          : this.provisionResult === 'already-provisioned'
            ? 'already provisioned (nothing uploaded)'
            : undefined,
        this.applicationResult ? `${this.applicationName} ${this.applicationResult}` : undefined
      ]
        .filter(Boolean)
        .join(', ');
      const status = this.error
        ? `❌ Release failed: ${this.error.split('\n')[0]}`
        : this.phase === 'done'
          ? `✅ ${this.typeName} ${this.typeVersion} released${what ? `: ${what}` : ''}.`
          : `ℹ️ ${this.typeName} ${this.typeVersion}: planned, not deployed (dry run).`;
      const row = (label: string, value: string | undefined) => [label, value ?? '—'];
      const duration = this.durationSeconds;
      core.summary
        .addHeading('Service Fabric release', 2)
        .addRaw(status, true)
        .addTable([
          [
            { data: 'What', header: true },
            { data: 'Value', header: true }
          ],
          row('Application type', this.typeName),
          row('Version', this.typeVersion),
          row('Provision', this.provisionResult),
          row('Application', this.applicationName),
          row('Result', this.applicationResult),
          row('Previous version', this.previousVersion),
          row(
            'Upgrade',
            this.upgradeMode ? `${this.upgradeMode}${this.upgradeMode === 'Monitored' ? `, failure action ${this.failureAction}` : ''}` : undefined
          ),
          row('Upgrade state', this.upgradeState),
          row('Package in the Image Store', this.packageDeleted === undefined ? undefined : this.packageDeleted ? 'removed after provisioning' : 'kept'),
          row(
            'Old versions unprovisioned',
            this.unprovisioned.length > 0 || this.keptVersions.length > 0
              ? `${this.unprovisioned.join(', ') || 'none'}${this.keptVersions.length > 0 ? ` (kept, in use: ${this.keptVersions.join(', ')})` : ''}`
              : undefined
          ),
          row('Duration', duration === undefined ? undefined : `${duration.toFixed(1)} s`)
        ]);
      if (this.domains.length > 0) {
        const time = (ms: number | undefined) => (ms === undefined ? '—' : new Date(ms).toISOString().slice(11, 19) + ' UTC');
        core.summary.addHeading('Upgrade domains', 3).addTable([
          [
            { data: 'Domain', header: true },
            { data: 'Started', header: true },
            { data: 'Completed', header: true },
            { data: 'Duration', header: true }
          ],
          ...this.domains.map(d => [
            d.name,
            time(d.startedAt),
            time(d.completedAt),
            d.startedAt !== undefined && d.completedAt !== undefined ? `${((d.completedAt - d.startedAt) / 1000).toFixed(1)} s` : '—'
          ])
        ]);
      }
      await core.summary.write();
    } catch (err) {
      core.warning(`Could not write the release summary: ${(err as Error).message}`);
    }
  }
}
