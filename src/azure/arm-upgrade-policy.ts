// The application resource's `upgradePolicy` (Microsoft.ServiceFabric/managedClusters, 2024-04-01)
// built from the same upgrade settings as the gateway path (src/deploy/upgrade-policy.ts).
import type { UpgradePolicy } from '../deploy/upgrade-policy.js';

export interface ArmUpgradePolicy {
  upgradeMode: 'Monitored' | 'UnmonitoredAuto';
  forceRestart?: boolean;
  /** Seconds, an integer (unlike the durations below). */
  upgradeReplicaSetCheckTimeout?: number;
  applicationHealthPolicy?: { considerWarningAsError: boolean; maxPercentUnhealthyDeployedApplications: number };
  rollingUpgradeMonitoringPolicy?: {
    failureAction: 'Rollback' | 'Manual';
    healthCheckWaitDuration: string;
    healthCheckStableDuration: string;
    healthCheckRetryTimeout: string;
    upgradeTimeout: string;
    upgradeDomainTimeout: string;
  };
}

/**
 * The runtime's defaults, sent for the settings not given: the resource provider's schema makes
 * every field of `rollingUpgradeMonitoringPolicy` and the two fields of `applicationHealthPolicy`
 * required, where the gateway path may leave them out. Infinite timeouts are .NET's
 * TimeSpan.MaxValue, as the runtime reports them.
 */
const DEFAULT_SECONDS = {
  HealthCheckWaitDurationSec: 0,
  HealthCheckStableDurationSec: 120,
  HealthCheckRetryTimeoutSec: 600
} as const;
const INFINITE = '10675199.02:48:05.4775807';

/** Seconds as ARM's `[d.]hh:mm:ss` duration: 90 → `00:01:30`, 90000 → `1.01:00:00`. */
export function armDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = `${two(Math.floor((seconds % 86400) / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return d > 0 ? `${d}.${hms}` : hms;
}

export function buildArmUpgradePolicy(policy: UpgradePolicy): ArmUpgradePolicy {
  const { settings } = policy;
  const result: ArmUpgradePolicy = { upgradeMode: policy.mode };
  if (settings.ForceRestart !== undefined) result.forceRestart = settings.ForceRestart as boolean;
  if (settings.UpgradeReplicaSetCheckTimeoutSec !== undefined) result.upgradeReplicaSetCheckTimeout = settings.UpgradeReplicaSetCheckTimeoutSec as number;
  if (policy.mode !== 'Monitored') return result;
  const seconds = (key: keyof typeof DEFAULT_SECONDS) => armDuration((settings[key] as number | undefined) ?? DEFAULT_SECONDS[key]);
  const timeout = (value: number | boolean | undefined) => (value === undefined ? INFINITE : armDuration(value as number));
  result.rollingUpgradeMonitoringPolicy = {
    failureAction: policy.failureAction,
    healthCheckWaitDuration: seconds('HealthCheckWaitDurationSec'),
    healthCheckStableDuration: seconds('HealthCheckStableDurationSec'),
    healthCheckRetryTimeout: seconds('HealthCheckRetryTimeoutSec'),
    upgradeTimeout: timeout(settings.UpgradeTimeoutSec),
    upgradeDomainTimeout: timeout(settings.UpgradeDomainTimeoutSec)
  };
  result.applicationHealthPolicy = {
    considerWarningAsError: (settings.ConsiderWarningAsError as boolean | undefined) ?? false,
    maxPercentUnhealthyDeployedApplications: (settings.MaxPercentUnhealthyDeployedApplications as number | undefined) ?? 0
  };
  return result;
}
