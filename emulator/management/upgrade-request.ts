// An upgrade request as the cluster manager reads it: mode, monitoring policy, durations, with the
// runtime's defaults filled in for what the request leaves out (cluster-management-protocol.md).
import type { ApplicationParameter, ApplicationUpgradeDescription, FailureAction, RollingUpgradeMode } from '../../src/protocol/management-models.js';
import { FabricHttpError } from '../fabric-http-error.js';
import { isDuration } from './upgrades.js';

const MODES: RollingUpgradeMode[] = ['UnmonitoredAuto', 'UnmonitoredManual', 'Monitored'];
const MONITORING_DURATIONS = [
  'HealthCheckWaitDurationInMilliseconds',
  'HealthCheckStableDurationInMilliseconds',
  'HealthCheckRetryTimeoutInMilliseconds',
  'UpgradeTimeoutInMilliseconds',
  'UpgradeDomainTimeoutInMilliseconds'
] as const;
/** The runtime's defaults for what an upgrade request leaves out. */
const MONITORING_DEFAULTS = {
  HealthCheckWaitDurationInMilliseconds: '0',
  HealthCheckStableDurationInMilliseconds: 'PT0H2M0S',
  HealthCheckRetryTimeoutInMilliseconds: 'PT0H10M0S',
  UpgradeTimeoutInMilliseconds: 'P10675199DT02H48M05.4775807S',
  UpgradeDomainTimeoutInMilliseconds: 'P10675199DT02H48M05.4775807S'
};
const REPLICA_SET_CHECK_DEFAULT = '42949672925';

export interface UpgradeRequest {
  mode: RollingUpgradeMode;
  failureAction: FailureAction;
  /** Builds the description the cluster keeps, once the parameters are checked against the target manifest. */
  describe(name: string, target: string, parameters: ApplicationParameter[]): ApplicationUpgradeDescription;
}

/** Checks the kind, mode, failure action and durations of an ApplicationUpgradeDescription body. */
export function readUpgradeRequest(body: Record<string, unknown>): UpgradeRequest {
  if (body.UpgradeKind !== undefined && body.UpgradeKind !== 'Rolling')
    throw FabricHttpError.invalidArg(`UpgradeKind '${display(body.UpgradeKind)}' is not Rolling.`);
  // The mode defaults to UnmonitoredAuto when absent [spec].
  const mode = (body.RollingUpgradeMode ?? 'UnmonitoredAuto') as RollingUpgradeMode;
  if (!MODES.includes(mode)) throw FabricHttpError.invalidArg(`RollingUpgradeMode '${String(mode)}' is not one of ${MODES.join(', ')}.`);
  const monitoring = (body.MonitoringPolicy ?? {}) as Record<string, unknown>;
  if (typeof monitoring !== 'object' || Array.isArray(monitoring)) throw FabricHttpError.invalidArg('MonitoringPolicy must be an object.');
  const failureAction = (monitoring.FailureAction ?? 'Invalid') as FailureAction;
  if (mode === 'Monitored' && failureAction !== 'Rollback' && failureAction !== 'Manual') {
    // [rt] A monitored upgrade must say what to do when a health check fails.
    throw FabricHttpError.invalidArg('A Monitored upgrade needs MonitoringPolicy.FailureAction Rollback or Manual.');
  }
  for (const field of MONITORING_DURATIONS) {
    if (monitoring[field] !== undefined && !isDuration(monitoring[field])) {
      throw FabricHttpError.invalidArg(`MonitoringPolicy.${field} '${display(monitoring[field])}' is not an ISO 8601 duration or a number of milliseconds.`);
    }
  }
  return {
    mode,
    failureAction,
    describe: (name, target, parameters) => ({
      Name: name,
      TargetApplicationTypeVersion: target,
      Parameters: parameters,
      UpgradeKind: 'Rolling',
      RollingUpgradeMode: mode,
      UpgradeReplicaSetCheckTimeoutInSeconds: display(body.UpgradeReplicaSetCheckTimeoutInSeconds ?? REPLICA_SET_CHECK_DEFAULT),
      ForceRestart: body.ForceRestart === true,
      MonitoringPolicy: {
        FailureAction: failureAction,
        ...Object.fromEntries(MONITORING_DURATIONS.map(f => [f, (monitoring[f] as string | undefined) ?? MONITORING_DEFAULTS[f]]))
      },
      ApplicationHealthPolicy: {
        ConsiderWarningAsError: false,
        MaxPercentUnhealthyDeployedApplications: 0,
        ...(body.ApplicationHealthPolicy ?? {})
      }
    })
  };
}

/** A JSON value of a request body as text for a message or a string field. */
export function display(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
