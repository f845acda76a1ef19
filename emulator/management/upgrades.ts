// A rolling application upgrade walking through the upgrade domains. No timers: the state is
// advanced from timestamps whenever it is read or acted on, so nothing keeps the process alive.
import type {
  ApplicationParameter,
  ApplicationUpgradeDescription,
  ApplicationUpgradeProgressInfo,
  ApplicationUpgradeState,
  FailureAction,
  HealthEvaluationWrapper,
  RollingUpgradeMode,
  UpgradeDomainState,
  UpgradeFailureReason
} from '../../src/protocol/management-models.js';
import { ManagementErrorCode } from '../../src/protocol/management-models.js';
import { FabricHttpError } from '../fabric-http-error.js';

export interface UpgradePlan {
  applicationName: string;
  typeName: string;
  fromVersion: string;
  fromParameters: ApplicationParameter[];
  targetVersion: string;
  parameters: ApplicationParameter[];
  mode: RollingUpgradeMode;
  failureAction: FailureAction;
  /** The request as the cluster keeps it, defaults filled in. */
  description: ApplicationUpgradeDescription;
  /** The target version fails its health checks (--unhealthy-version); only Monitored upgrades check. */
  unhealthyTarget: boolean;
}

type Phase = 'forward' | 'forward-pending' | 'forward-done' | 'back' | 'back-done';

const NO_TIME = '0001-01-01T00:00:00.000Z';

interface Failure {
  at: number;
  reason: UpgradeFailureReason;
  domain: string;
  evaluations: HealthEvaluationWrapper[];
  details: string;
}

export class RollingUpgrade {
  private phase: Phase = 'forward';
  private readonly states: UpgradeDomainState[];
  /** Index of the domain being upgraded (forward) or of the position in rollbackOrder (back). */
  private current = 0;
  private domainSince: number;
  private next: number | undefined;
  private rollbackOrder: number[] = [];
  private finishedAt: number | undefined;
  private failure: Failure | undefined;
  readonly startedAt: number;

  constructor(
    readonly plan: UpgradePlan,
    private readonly domains: string[],
    private readonly domainMs: number,
    now: number
  ) {
    this.states = domains.map((_, i) => (i === 0 ? 'InProgress' : 'Pending'));
    this.startedAt = now;
    this.domainSince = now;
  }

  /** Rolling forward, waiting, or rolling back: the application is Upgrading. */
  isActive(now: number): boolean {
    this.advance(now);
    return this.phase === 'forward' || this.phase === 'forward-pending' || this.phase === 'back';
  }

  isRollingBack(now: number): boolean {
    this.advance(now);
    return this.phase === 'back' || this.phase === 'back-done';
  }

  hasFailedHealthCheck(now: number): boolean {
    this.advance(now);
    return this.failure?.reason === 'HealthCheck';
  }

  /** The version and parameters the application has now: the target, unless it rolls or rolled back. */
  effective(now: number): { version: string; parameters: ApplicationParameter[] } {
    return this.isRollingBack(now)
      ? { version: this.plan.fromVersion, parameters: this.plan.fromParameters }
      : { version: this.plan.targetVersion, parameters: this.plan.parameters };
  }

  state(now: number): ApplicationUpgradeState {
    this.advance(now);
    const states: Record<Phase, ApplicationUpgradeState> = {
      forward: 'RollingForwardInProgress',
      'forward-pending': 'RollingForwardPending',
      'forward-done': 'RollingForwardCompleted',
      back: 'RollingBackInProgress',
      'back-done': 'RollingBackCompleted'
    };
    return states[this.phase];
  }

  private advance(now: number): void {
    for (;;) {
      if (this.phase !== 'forward' && this.phase !== 'back') return;
      const end = this.domainSince + this.domainMs;
      if (now < end) return;
      if (this.phase === 'back') {
        this.states[itemAt(this.rollbackOrder, this.current)] = 'Completed';
        this.current++;
        if (this.current < this.rollbackOrder.length) {
          this.states[itemAt(this.rollbackOrder, this.current)] = 'InProgress';
          this.domainSince = end;
        } else {
          this.phase = 'back-done';
          this.finishedAt = end;
        }
        continue;
      }
      this.states[this.current] = 'Completed';
      const hasNext = this.current + 1 < this.domains.length;
      // The unhealthy version fails the health check after each domain from the second one on
      // (the first, with a single domain).
      if (this.plan.unhealthyTarget && this.plan.mode === 'Monitored' && this.current >= Math.min(1, this.domains.length - 1)) {
        this.failure = this.healthCheckFailure(end, itemAt(this.domains, this.current));
        if (this.plan.failureAction === 'Rollback') {
          this.startRollback(end);
        } else {
          this.pause(end, hasNext ? this.current + 1 : undefined);
        }
        continue;
      }
      if (!hasNext) {
        this.phase = 'forward-done';
        this.finishedAt = end;
      } else if (this.plan.mode === 'UnmonitoredManual') {
        this.pause(end, this.current + 1);
      } else {
        this.current++;
        this.states[this.current] = 'InProgress';
        this.domainSince = end;
      }
    }
  }

  private pause(at: number, next: number | undefined): void {
    this.phase = 'forward-pending';
    this.next = next;
    this.domainSince = at;
  }

  /** Undoes the domains already touched, last one first [undoc: the order]; the others stay Completed. */
  private startRollback(at: number): void {
    this.rollbackOrder = this.states.flatMap((s, i) => (s === 'Pending' ? [] : [i])).reverse();
    this.states.forEach((_, i) => (this.states[i] = this.rollbackOrder.includes(i) ? 'Pending' : 'Completed'));
    this.phase = 'back';
    this.current = 0;
    this.next = undefined;
    this.domainSince = at;
    if (this.rollbackOrder.length === 0) {
      this.phase = 'back-done';
      this.finishedAt = at;
    } else {
      this.states[itemAt(this.rollbackOrder, 0)] = 'InProgress';
    }
  }

  /** `$/MoveToNextUpgradeDomain`: resumes a waiting upgrade into the named domain. */
  moveToNext(domain: string, now: number): void {
    this.advance(now);
    if (this.phase !== 'forward-pending') {
      throw FabricHttpError.invalidArg(`the upgrade of ${this.plan.applicationName} is not waiting for MoveToNextUpgradeDomain (${this.state(now)}).`);
    }
    if (this.next === undefined || this.domains[this.next] !== domain) {
      const expected = this.next === undefined ? 'none: roll the upgrade back' : `'${this.domains[this.next]}'`;
      throw FabricHttpError.invalidArg(`UpgradeDomain '${domain}' is not the next upgrade domain; the next one is ${expected}.`);
    }
    this.phase = 'forward';
    this.current = this.next;
    this.next = undefined;
    this.states[this.current] = 'InProgress';
    this.domainSince = now;
  }

  /** When the upgrade reached RollingForwardCompleted or RollingBackCompleted (undefined before). */
  endedAt(now: number): number | undefined {
    this.advance(now);
    return this.finishedAt;
  }

  /** Whether a new upgrade request interrupted this one (it rolls back, then the new goal starts). */
  get interrupted(): boolean {
    return this.failure?.reason === 'Interrupted';
  }

  /**
   * A new upgrade request while this one rolls forward: the cluster rolls this one back and keeps
   * the request as the goal state, started when the rollback completes [rt]. [undoc] What
   * GetUpgradeProgress shows meanwhile: this upgrade (its target) rolling back, FailureReason
   * Interrupted, and the new target in UpgradeStatusDetails.
   */
  interrupt(now: number, goalVersion: string): void {
    this.advance(now);
    const domain = this.phase === 'forward' ? itemAt(this.domains, this.current) : '';
    this.failure = {
      at: now,
      reason: 'Interrupted',
      domain,
      evaluations: [],
      details: `Interrupted by a request to upgrade ${this.plan.applicationName} to ${goalVersion}; that upgrade starts once this one is rolled back.`
    };
    this.startRollback(now);
  }

  /** Renames the goal in the details when another request replaces it during the rollback [undoc]. */
  retarget(goalVersion: string): void {
    if (this.failure?.reason === 'Interrupted') {
      this.failure.details = `Interrupted by a request to upgrade ${this.plan.applicationName} to ${goalVersion}; that upgrade starts once this one is rolled back.`;
    }
  }

  /** `$/RollbackUpgrade`. */
  rollback(now: number): void {
    this.advance(now);
    if (this.phase !== 'forward' && this.phase !== 'forward-pending') {
      throw new FabricHttpError(
        400,
        ManagementErrorCode.ApplicationNotUpgrading,
        `${this.plan.applicationName} is not rolling forward (${this.state(now)}): there is nothing to roll back.`
      );
    }
    this.startRollback(now);
  }

  private healthCheckFailure(at: number, domain: string): Failure {
    const app = this.plan.applicationName;
    const event: HealthEvaluationWrapper = {
      HealthEvaluation: {
        Kind: 'Event',
        AggregatedHealthState: 'Error',
        Description: `Error event: SourceId='System.Hosting', Property='CodePackageActivation:Code:EntryPoint'. The code package of ${this.plan.typeName} ${this.plan.targetVersion} keeps exiting.`,
        ConsiderWarningAsError: false
      }
    };
    const deployed: HealthEvaluationWrapper = {
      HealthEvaluation: {
        Kind: 'DeployedApplication',
        AggregatedHealthState: 'Error',
        Description: `Unhealthy deployed application: ApplicationName='${app}', NodeName='_Node_${domain}', AggregatedHealthState='Error'.`,
        ApplicationName: app,
        NodeName: `_Node_${domain}`,
        UnhealthyEvaluations: [event]
      }
    };
    const evaluations: HealthEvaluationWrapper[] = [
      {
        HealthEvaluation: {
          Kind: 'DeployedApplications',
          AggregatedHealthState: 'Error',
          Description: `100% (1/1) deployed applications in upgrade domain '${domain}' are unhealthy. The evaluation tolerates 0% unhealthy deployed applications.`,
          MaxPercentUnhealthyDeployedApplications: 0,
          TotalCount: '1',
          UnhealthyEvaluations: [deployed]
        }
      }
    ];
    return { at, reason: 'HealthCheck', domain, evaluations, details: `The health check of upgrade domain ${domain} failed: ${app} is in Error.` };
  }

  progress(now: number): ApplicationUpgradeProgressInfo {
    this.advance(now);
    const inDomain = this.phase === 'forward' || this.phase === 'back';
    const currentDomain =
      this.phase === 'forward'
        ? itemAt(this.domains, this.current)
        : this.phase === 'back'
          ? itemAt(this.domains, itemAt(this.rollbackOrder, this.current))
          : '';
    const next =
      this.phase === 'forward-pending'
        ? this.next === undefined
          ? ''
          : itemAt(this.domains, this.next)
        : this.phase === 'forward' && this.current + 1 < this.domains.length
          ? itemAt(this.domains, this.current + 1)
          : '';
    const end = this.finishedAt ?? now;
    return {
      Name: this.plan.applicationName,
      TypeName: this.plan.typeName,
      TargetApplicationTypeVersion: this.plan.targetVersion,
      UpgradeDomains: this.domains.map((Name, i) => ({ Name, State: itemAt(this.states, i) })),
      UpgradeState: this.state(now),
      NextUpgradeDomain: next,
      RollingUpgradeMode: this.plan.mode,
      UpgradeDescription: this.plan.description,
      UpgradeDurationInMilliseconds: isoDuration(end - this.startedAt),
      UpgradeDomainDurationInMilliseconds: isoDuration(inDomain ? now - this.domainSince : 0),
      UnhealthyEvaluations: this.failure?.evaluations ?? [],
      CurrentUpgradeDomainProgress: { DomainName: currentDomain, NodeUpgradeProgressList: [] },
      StartTimestampUtc: new Date(this.startedAt).toISOString(),
      FailureTimestampUtc: this.failure ? new Date(this.failure.at).toISOString() : NO_TIME,
      FailureReason: this.failure?.reason ?? 'None',
      UpgradeDomainProgressAtFailure: { DomainName: this.failure?.domain ?? '', NodeUpgradeProgressList: [] },
      UpgradeStatusDetails: this.failure?.details ?? ''
    };
  }
}

/** [undoc] The progress of an application never upgraded: its own version, no domains, state Invalid. */
export function neverUpgradedProgress(app: {
  name: string;
  typeName: string;
  version: string;
  parameters: ApplicationParameter[];
}): ApplicationUpgradeProgressInfo {
  const none = { DomainName: '', NodeUpgradeProgressList: [] };
  return {
    Name: app.name,
    TypeName: app.typeName,
    TargetApplicationTypeVersion: app.version,
    UpgradeDomains: [],
    UpgradeState: 'Invalid',
    NextUpgradeDomain: '',
    RollingUpgradeMode: 'UnmonitoredAuto',
    UpgradeDescription: { Name: app.name, TargetApplicationTypeVersion: app.version, Parameters: app.parameters },
    UpgradeDurationInMilliseconds: 'PT0H0M0S',
    UpgradeDomainDurationInMilliseconds: 'PT0H0M0S',
    UnhealthyEvaluations: [],
    CurrentUpgradeDomainProgress: none,
    StartTimestampUtc: NO_TIME,
    FailureTimestampUtc: NO_TIME,
    FailureReason: 'None',
    UpgradeDomainProgressAtFailure: none,
    UpgradeStatusDetails: ''
  };
}

/** `list[i]`, which the upgrade's bookkeeping guarantees is there (one state per domain, indices in range). */
function itemAt<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`internal: no item ${i} in a list of ${list.length}`);
  return item;
}

/** `PT0H1M2.5S`, the form the runtime writes durations in. */
export function isoDuration(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = Math.round((total % 60) * 1000) / 1000;
  return `PT${hours}H${minutes}M${seconds}S`;
}

/** Durations are strings: ISO 8601 first, else milliseconds [spec]. */
export function isDuration(text: unknown): boolean {
  return typeof text === 'string' && (/^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(text) || /^\d+$/.test(text));
}
