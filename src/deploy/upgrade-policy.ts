// The upgrade policy: `upgrade-settings` and the publish profile's UpgradeDeployment parameters
// (the names of the PowerShell upgrade command, `…Sec` in seconds) mapped to the REST upgrade
// description, durations as ISO 8601 strings.
import { SettingError as InputError } from '../util/settings.js';
import type { ApplicationUpgradeDescription, MonitoringPolicy, ParameterPair } from '../cluster/management-client.js';

/** Settings in seconds, mapped to the monitoring policy's duration fields. */
const DURATION_SETTINGS = {
  HealthCheckWaitDurationSec: 'HealthCheckWaitDurationInMilliseconds',
  HealthCheckStableDurationSec: 'HealthCheckStableDurationInMilliseconds',
  HealthCheckRetryTimeoutSec: 'HealthCheckRetryTimeoutInMilliseconds',
  UpgradeDomainTimeoutSec: 'UpgradeDomainTimeoutInMilliseconds',
  UpgradeTimeoutSec: 'UpgradeTimeoutInMilliseconds'
} as const satisfies Record<string, keyof MonitoringPolicy>;

export const UPGRADE_SETTING_KEYS = [
  ...(Object.keys(DURATION_SETTINGS) as (keyof typeof DURATION_SETTINGS)[]),
  'UpgradeReplicaSetCheckTimeoutSec',
  'ForceRestart',
  'ConsiderWarningAsError',
  'MaxPercentUnhealthyDeployedApplications'
] as const;
export type UpgradeSettingKey = (typeof UPGRADE_SETTING_KEYS)[number];

export type UpgradeSettings = Partial<Record<UpgradeSettingKey, number | boolean>>;

const BOOLEAN_KEYS = new Set<UpgradeSettingKey>(['ForceRestart', 'ConsiderWarningAsError']);
/** Most seconds the cluster takes in a duration (its limit is about 49 days in milliseconds as uint32). */
const MAX_SECONDS = 4294967;

/** The canonical key for `key` (case-insensitive), or undefined when it is not a known setting. */
export function upgradeSettingKey(key: string): UpgradeSettingKey | undefined {
  return UPGRADE_SETTING_KEYS.find(k => k.toLowerCase() === key.trim().toLowerCase());
}

/** Validates one setting's value; `where` names the input or file in the message. */
export function parseUpgradeSettingValue(where: string, key: UpgradeSettingKey, value: string): number | boolean {
  const v = value.trim();
  if (BOOLEAN_KEYS.has(key)) {
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
    throw new InputError(`${where}: '${key}' must be 'true' or 'false', not '${value}'.`);
  }
  const n = Number(v);
  const max = key === 'MaxPercentUnhealthyDeployedApplications' ? 100 : MAX_SECONDS;
  if (!/^\d+$/.test(v) || n > max) {
    throw new InputError(
      `${where}: '${key}' must be a whole number from 0 to ${max}${key === 'MaxPercentUnhealthyDeployedApplications' ? ' (a percentage)' : ' (seconds)'}, not '${value}'.`
    );
  }
  return n;
}

/** Parses `upgrade-settings`: newline-separated `Key=Value` with the publish profile's names; unknown keys are refused. */
export function parseUpgradeSettings(input: string, text: string): UpgradeSettings {
  const settings: UpgradeSettings = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new InputError(`'${input}' takes one 'Key=Value' per line, not '${line}'.`);
    const key = upgradeSettingKey(line.slice(0, at));
    if (!key) {
      throw new InputError(
        `'${input}' has an unknown key '${line.slice(0, at).trim()}': use ${UPGRADE_SETTING_KEYS.join(', ')} (upgrade-mode and failure-action are inputs of their own).`
      );
    }
    settings[key] = parseUpgradeSettingValue(`'${input}'`, key, line.slice(at + 1));
  }
  return settings;
}

/** Seconds as an ISO 8601 duration, the form the cluster reads first: 90 → `PT0H1M30S`. */
export function isoDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `PT${h}H${m}M${s}S`;
}

export interface UpgradePolicy {
  mode: 'Monitored' | 'UnmonitoredAuto';
  failureAction: 'Rollback' | 'Manual';
  settings: UpgradeSettings;
}

/**
 * The upgrade request. The mode is always sent (the cluster defaults to UnmonitoredAuto without
 * it); settings not given are left out, so the cluster's defaults apply to them.
 */
export function buildUpgradeDescription(
  applicationName: string,
  targetVersion: string,
  parameters: ParameterPair[],
  policy: UpgradePolicy
): ApplicationUpgradeDescription {
  const { settings } = policy;
  const description: ApplicationUpgradeDescription = {
    Name: applicationName,
    TargetApplicationTypeVersion: targetVersion,
    Parameters: parameters,
    UpgradeKind: 'Rolling',
    RollingUpgradeMode: policy.mode
  };
  if (settings.UpgradeReplicaSetCheckTimeoutSec !== undefined) {
    description.UpgradeReplicaSetCheckTimeoutInSeconds = settings.UpgradeReplicaSetCheckTimeoutSec as number;
  }
  if (settings.ForceRestart !== undefined) description.ForceRestart = settings.ForceRestart as boolean;
  if (policy.mode === 'Monitored') {
    const monitoring: MonitoringPolicy = { FailureAction: policy.failureAction };
    for (const [key, field] of Object.entries(DURATION_SETTINGS) as [keyof typeof DURATION_SETTINGS, keyof MonitoringPolicy][]) {
      const seconds = settings[key];
      if (seconds !== undefined) (monitoring as unknown as Record<string, string>)[field] = isoDuration(seconds as number);
    }
    description.MonitoringPolicy = monitoring;
    const health: NonNullable<ApplicationUpgradeDescription['ApplicationHealthPolicy']> = {};
    if (settings.ConsiderWarningAsError !== undefined) health.ConsiderWarningAsError = settings.ConsiderWarningAsError as boolean;
    if (settings.MaxPercentUnhealthyDeployedApplications !== undefined) {
      health.MaxPercentUnhealthyDeployedApplications = settings.MaxPercentUnhealthyDeployedApplications as number;
    }
    if (Object.keys(health).length > 0) description.ApplicationHealthPolicy = health;
  }
  return description;
}
