// The emulated ARM's resource bodies and their translation to the cluster manager's requests:
// an application resource from the cluster's ApplicationInfo, and an application PUT as the
// gateway's create or upgrade description.
import type { ResourceIds } from './arm-surface.js';

export class ArmHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}

interface ClusterApplication {
  Name: string;
  TypeName: string;
  TypeVersion: string;
  Status: string;
  Parameters: { Key: string; Value: string }[];
}

const ARM_STATES: Record<string, string> = { Upgrading: 'Updating', Creating: 'Creating', Deleting: 'Deleting' };

export function applicationBody(ids: ResourceIds, info: ClusterApplication): Record<string, unknown> {
  const name = info.Name.replace(/^fabric:\//, '');
  return {
    id: ids.application(name),
    name,
    type: 'Microsoft.ServiceFabric/managedClusters/applications',
    properties: {
      // [undoc] Updating while the cluster upgrades the application (its rollback included), Creating
      // and Deleting while it does those, Succeeded otherwise (rolled back included).
      provisioningState: ARM_STATES[info.Status] ?? 'Succeeded',
      version: ids.version(info.TypeName, info.TypeVersion),
      parameters: Object.fromEntries(info.Parameters.map(p => [p.Key, p.Value]))
    }
  };
}

export interface ArmApplicationPut {
  createDescription(name: string): Record<string, unknown>;
  upgradeDescription(name: string): Record<string, unknown>;
}

interface PolicyBody {
  upgradeMode?: unknown;
  forceRestart?: unknown;
  upgradeReplicaSetCheckTimeout?: unknown;
  applicationHealthPolicy?: { considerWarningAsError?: unknown; maxPercentUnhealthyDeployedApplications?: unknown };
  rollingUpgradeMonitoringPolicy?: Record<string, unknown>;
}

const MONITORING: [string, string][] = [
  ['healthCheckWaitDuration', 'HealthCheckWaitDurationInMilliseconds'],
  ['healthCheckStableDuration', 'HealthCheckStableDurationInMilliseconds'],
  ['healthCheckRetryTimeout', 'HealthCheckRetryTimeoutInMilliseconds'],
  ['upgradeTimeout', 'UpgradeTimeoutInMilliseconds'],
  ['upgradeDomainTimeout', 'UpgradeDomainTimeoutInMilliseconds']
];

/** ARM's `[d.]hh:mm:ss[.fffffff]` as the ISO 8601 duration the gateway reads (`P1DT2H3M4.5S`). */
export function armDurationIso(field: string, value: unknown): string {
  const m = typeof value === 'string' ? /^(?:(\d+)\.)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value) : null;
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) {
    throw new ArmHttpError(
      400,
      'InvalidParameter',
      `The property '${field}' must be a duration such as '01:30:00' or '1.00:00:00', not ${JSON.stringify(value)}.`
    );
  }
  return `P${Number(m[1] ?? 0)}DT${Number(m[2])}H${Number(m[3])}M${Number(m[4])}${m[5] ? `.${m[5]}` : ''}S`;
}

/** Checks an application PUT's body as the resource provider does and translates it. */
export function applicationPut(json: unknown, ids: ResourceIds): ArmApplicationPut {
  const properties = (json as { properties?: Record<string, unknown> } | null)?.properties;
  if (typeof properties !== 'object' || properties === null) throw new ArmHttpError(400, 'InvalidParameter', "The property 'properties' is required.");
  const version = properties.version;
  if (typeof version !== 'string')
    throw new ArmHttpError(400, 'InvalidParameter', "The property 'properties.version' (the type version's resource id) is required.");
  const parsed = ids.parseVersion(version);
  if (!parsed)
    throw new ArmHttpError(
      400,
      'InvalidParameter',
      `'properties.version' must be the resource id of an application type version of this cluster, not '${version}'.`
    );
  const [typeName, typeVersion] = parsed;
  const raw = properties.parameters ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.values(raw).some(v => typeof v !== 'string')) {
    throw new ArmHttpError(400, 'InvalidParameter', "'properties.parameters' must be an object of strings.");
  }
  const parameters = Object.entries(raw as Record<string, string>).map(([Key, Value]) => ({ Key, Value }));
  const policy = (properties.upgradePolicy ?? {}) as PolicyBody;
  return {
    createDescription: name => ({ Name: name, TypeName: typeName, TypeVersion: typeVersion, ParameterList: parameters }),
    upgradeDescription: name => {
      const mode = policy.upgradeMode ?? 'Monitored';
      if (mode !== 'Monitored' && mode !== 'UnmonitoredAuto')
        throw new ArmHttpError(400, 'InvalidParameter', `upgradeMode ${JSON.stringify(mode)} is not Monitored or UnmonitoredAuto.`);
      const description: Record<string, unknown> = {
        Name: name,
        TargetApplicationTypeVersion: typeVersion,
        Parameters: parameters,
        UpgradeKind: 'Rolling',
        RollingUpgradeMode: mode
      };
      if (typeof policy.forceRestart === 'boolean') description.ForceRestart = policy.forceRestart;
      if (typeof policy.upgradeReplicaSetCheckTimeout === 'number') description.UpgradeReplicaSetCheckTimeoutInSeconds = policy.upgradeReplicaSetCheckTimeout;
      const monitoring = policy.rollingUpgradeMonitoringPolicy;
      if (mode === 'Monitored' && monitoring !== undefined) {
        if (monitoring.failureAction !== 'Rollback' && monitoring.failureAction !== 'Manual') {
          throw new ArmHttpError(400, 'InvalidParameter', "'rollingUpgradeMonitoringPolicy.failureAction' must be Rollback or Manual.");
        }
        const gateway: Record<string, unknown> = { FailureAction: monitoring.failureAction };
        for (const [field, name] of MONITORING) {
          // The resource provider requires each of them [spec].
          gateway[name] = armDurationIso(`rollingUpgradeMonitoringPolicy.${field}`, monitoring[field]);
        }
        description.MonitoringPolicy = gateway;
      }
      const health = policy.applicationHealthPolicy;
      if (mode === 'Monitored' && health !== undefined) {
        description.ApplicationHealthPolicy = {
          ConsiderWarningAsError: health.considerWarningAsError === true,
          MaxPercentUnhealthyDeployedApplications:
            typeof health.maxPercentUnhealthyDeployedApplications === 'number' ? health.maxPercentUnhealthyDeployedApplications : 0
        };
      }
      return description;
    }
  };
}
