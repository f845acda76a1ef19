// The cluster management operations a release needs (cluster-management-protocol.md): provision
// and unprovision application types, read their status and manifests, get, create and upgrade
// applications, and read upgrade progress. Built on the gateway client, which owns retries,
// tokens and error classification.
import { ImageStoreError, type FailedOperation } from './errors.js';
import type { GatewayClient, GatewayRequest } from './gateway-client.js';
import type { HttpResponse } from './transport.js';
import { applicationIdOf, ManagementErrorCode } from '../protocol/management-models.js';

export { ManagementErrorCode };

// The JSON models as this client reads them: looser than the exact models the emulator writes
// (src/protocol/management-models.ts), since a client must accept a field missing or an enum value
// it does not know from any runtime version. The error codes and application ids are shared.
export interface ParameterPair {
  Key: string;
  Value: string;
}

export interface ApplicationTypeInfo {
  Name: string;
  Version: string;
  DefaultParameterList?: ParameterPair[];
  /** `Provisioning`, `Available`, `Unprovisioning`, `Failed`, `Invalid`. */
  Status: string;
  StatusDetails?: string;
  ApplicationTypeDefinitionKind?: string;
}

export interface ApplicationInfo {
  Id: string;
  Name: string;
  TypeName: string;
  TypeVersion: string;
  /** `Ready`, `Upgrading`, `Creating`, `Deleting`, `Failed`. */
  Status: string;
  Parameters?: ParameterPair[];
  HealthState?: string;
}

export interface ApplicationDescription {
  Name: string;
  TypeName: string;
  TypeVersion: string;
  ParameterList: ParameterPair[];
}

export interface MonitoringPolicy {
  FailureAction: 'Rollback' | 'Manual';
  HealthCheckWaitDurationInMilliseconds?: string;
  HealthCheckStableDurationInMilliseconds?: string;
  HealthCheckRetryTimeoutInMilliseconds?: string;
  UpgradeTimeoutInMilliseconds?: string;
  UpgradeDomainTimeoutInMilliseconds?: string;
}

export interface ApplicationUpgradeDescription {
  Name: string;
  TargetApplicationTypeVersion: string;
  Parameters: ParameterPair[];
  UpgradeKind: 'Rolling';
  RollingUpgradeMode: 'Monitored' | 'UnmonitoredAuto';
  UpgradeReplicaSetCheckTimeoutInSeconds?: number;
  ForceRestart?: boolean;
  MonitoringPolicy?: MonitoringPolicy;
  ApplicationHealthPolicy?: { ConsiderWarningAsError?: boolean; MaxPercentUnhealthyDeployedApplications?: number };
}

export interface HealthEvaluationWrapper {
  HealthEvaluation?: HealthEvaluation;
}

export interface HealthEvaluation {
  Kind?: string;
  AggregatedHealthState?: string;
  Description?: string;
  UnhealthyEvaluations?: HealthEvaluationWrapper[];
  [more: string]: unknown;
}

export interface UpgradeDomainInfo {
  Name: string;
  /** `Pending`, `InProgress`, `Completed`. */
  State: string;
}

export interface ApplicationUpgradeProgress {
  Name?: string;
  TypeName?: string;
  TargetApplicationTypeVersion?: string;
  UpgradeDomains?: UpgradeDomainInfo[];
  UpgradeState: string;
  NextUpgradeDomain?: string;
  RollingUpgradeMode?: string;
  UpgradeDurationInMilliseconds?: string;
  UpgradeDomainDurationInMilliseconds?: string;
  UnhealthyEvaluations?: HealthEvaluationWrapper[];
  CurrentUpgradeDomainProgress?: { DomainName?: string };
  StartTimestampUtc?: string;
  FailureTimestampUtc?: string;
  FailureReason?: string;
  UpgradeDomainProgressAtFailure?: { DomainName?: string };
  UpgradeStatusDetails?: string;
}

interface PagedList<T> {
  ContinuationToken?: string;
  Items?: T[];
}

/** Provision with the `Kind`-first body needs 6.2; the other routes are asked with 6.0. */
const PROVISION_API_VERSION = '6.2';
const MANAGEMENT_API_VERSION = '6.0';

function segment(value: string): string {
  return encodeURIComponent(value);
}

export class ManagementClient {
  constructor(readonly gateway: GatewayClient) {}

  get requestsSent(): number {
    return this.gateway.requestsSent;
  }

  get signal(): AbortSignal | undefined {
    return this.gateway.signal;
  }

  /**
   * Starts an asynchronous provision of the package at `buildPath` in the Image Store. `Kind` is
   * written first: the gateway's polymorphic reader needs the discriminator before the rest.
   * `ApplicationPackageCleanupPolicy: Manual` keeps the package where it is, so that the action
   * decides (`keep-package`) and deletes it itself after a successful provision, whatever the
   * cluster's own default is.
   */
  async provision(buildPath: string): Promise<void> {
    const body = { Kind: 'ImageStorePath', ApplicationTypeBuildPath: buildPath, Async: true, ApplicationPackageCleanupPolicy: 'Manual' };
    await this.postProvision({ operation: 'provision the application type from', storePath: buildPath }, body);
  }

  /**
   * Starts an asynchronous provision from an `.sfpkg` the cluster downloads itself (ExternalStore,
   * api-version 6.2): `Kind` first, as for ImageStorePath. The URL carries a SAS: errors name the
   * type and version, never the URL.
   */
  async provisionFromExternalStore(downloadUrl: string, typeName: string, typeVersion: string): Promise<void> {
    const body = {
      Kind: 'ExternalStore',
      ApplicationPackageDownloadUri: downloadUrl,
      ApplicationTypeName: typeName,
      ApplicationTypeVersion: typeVersion,
      Async: true
    };
    await this.postProvision({ operation: `provision ${typeName} ${typeVersion} from its .sfpkg` }, body);
  }

  /** 200 (done) or 202 (accepted, asynchronous); not idempotent: a lost answer is for the caller to resolve. */
  private async postProvision(failed: FailedOperation, body: { Kind: string }): Promise<void> {
    await this.postJson(failed, '/ApplicationTypes/$/Provision', body, { apiVersion: PROVISION_API_VERSION, accept: [200, 202], notIdempotent: true });
  }

  /** The type's version as the cluster lists it, or undefined when it is not (yet) listed. */
  async getApplicationType(typeName: string, typeVersion: string): Promise<ApplicationTypeInfo | undefined> {
    const items = await this.listApplicationTypeVersions(typeName, typeVersion);
    return items.find(i => i.Version === typeVersion);
  }

  /** Every provisioned version of the type (all pages); empty when the type is unknown. */
  async listApplicationTypeVersions(typeName: string, typeVersion?: string): Promise<ApplicationTypeInfo[]> {
    const items: ApplicationTypeInfo[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { ExcludeApplicationParameters: 'true' };
      if (typeVersion !== undefined) query.ApplicationTypeVersion = typeVersion;
      if (token) query.ContinuationToken = token;
      const res = await this.call(
        { operation: `get application type ${typeName}${typeVersion ? ` version ${typeVersion}` : ''}` },
        {
          method: 'GET',
          path: `/ApplicationTypes/${segment(typeName)}`,
          query,
          accept: [200, 204, 404]
        }
      );
      if (res.status !== 200 || res.body.length === 0) break;
      const page = this.gateway.parseJson<PagedList<ApplicationTypeInfo>>(res, 'get application type');
      items.push(...(page.Items ?? []));
      token = page.ContinuationToken || undefined;
    } while (token);
    return items;
  }

  /** The provisioned application manifest's XML, or undefined when the type+version is not provisioned. */
  async getApplicationManifest(typeName: string, typeVersion: string): Promise<string | undefined> {
    const res = await this.call(
      { operation: `get the application manifest of ${typeName} ${typeVersion}` },
      {
        method: 'GET',
        path: `/ApplicationTypes/${segment(typeName)}/$/GetApplicationManifest`,
        query: { ApplicationTypeVersion: typeVersion },
        accept: [200, 204, 404]
      }
    );
    if (res.status !== 200) return undefined;
    return this.gateway.parseJson<{ Manifest?: string }>(res, 'get application manifest').Manifest;
  }

  /** A service manifest of a provisioned type+version, or undefined when the cluster has none of that name. */
  async getServiceManifest(typeName: string, typeVersion: string, serviceManifestName: string): Promise<string | undefined> {
    const res = await this.call(
      { operation: `get the service manifest ${serviceManifestName} of ${typeName} ${typeVersion}` },
      {
        method: 'GET',
        path: `/ApplicationTypes/${segment(typeName)}/$/GetServiceManifest`,
        query: { ApplicationTypeVersion: typeVersion, ServiceManifestName: serviceManifestName },
        accept: [200, 204, 404]
      }
    );
    if (res.status !== 200) return undefined;
    return this.gateway.parseJson<{ Manifest?: string }>(res, 'get service manifest').Manifest;
  }

  /** Starts unprovisioning a version; 'in-use' when an application runs it or an upgrade targets it. */
  async unprovision(typeName: string, typeVersion: string): Promise<'unprovisioning' | 'in-use' | 'not-found'> {
    try {
      await this.postJson(
        { operation: `unprovision ${typeName} ${typeVersion}` },
        `/ApplicationTypes/${segment(typeName)}/$/Unprovision`,
        { ApplicationTypeVersion: typeVersion, Async: true },
        { accept: [200, 202] }
      );
      return 'unprovisioning';
    } catch (err) {
      if (err instanceof ImageStoreError && err.is(409, ManagementErrorCode.ApplicationTypeInUse)) return 'in-use';
      if (err instanceof ImageStoreError && err.is(404)) return 'not-found';
      throw err;
    }
  }

  /** The application, or undefined when it does not exist (the cluster answers 204). */
  async getApplication(applicationName: string): Promise<ApplicationInfo | undefined> {
    const res = await this.call(
      { operation: `get application ${applicationName}` },
      {
        method: 'GET',
        path: `/Applications/${segment(applicationIdOf(applicationName))}`,
        accept: [200, 204]
      }
    );
    if (res.status === 204 || res.body.length === 0) return undefined;
    return this.gateway.parseJson<ApplicationInfo>(res, 'get application');
  }

  async createApplication(description: ApplicationDescription): Promise<void> {
    await this.postJson({ operation: `create application ${description.Name}` }, '/Applications/$/Create', description, { accept: [201], notIdempotent: true });
  }

  async upgradeApplication(description: ApplicationUpgradeDescription): Promise<void> {
    await this.postJson(
      { operation: `upgrade application ${description.Name} to ${description.TargetApplicationTypeVersion}` },
      `/Applications/${segment(applicationIdOf(description.Name))}/$/Upgrade`,
      description,
      { accept: [200], notIdempotent: true }
    );
  }

  async getUpgradeProgress(applicationName: string): Promise<ApplicationUpgradeProgress> {
    const res = await this.call(
      { operation: `get the upgrade progress of ${applicationName}` },
      {
        method: 'GET',
        path: `/Applications/${segment(applicationIdOf(applicationName))}/$/GetUpgradeProgress`,
        accept: [200]
      }
    );
    return this.gateway.parseJson<ApplicationUpgradeProgress>(res, 'get upgrade progress');
  }

  /** A POST of `body` as JSON, its properties in the order given (the provision's `Kind` first). */
  private postJson(
    failed: FailedOperation,
    path: string,
    body: object,
    options: Pick<GatewayRequest, 'accept' | 'apiVersion' | 'notIdempotent'>
  ): Promise<HttpResponse> {
    return this.call(failed, { ...options, method: 'POST', path, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });
  }

  private call(failed: FailedOperation, spec: Omit<GatewayRequest, 'apiVersion'> & { apiVersion?: string }): Promise<HttpResponse> {
    return this.gateway.call(failed, { ...spec, apiVersion: spec.apiVersion ?? MANAGEMENT_API_VERSION });
  }
}
