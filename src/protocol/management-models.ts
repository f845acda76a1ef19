// JSON models of the cluster management routes (cluster management reference): provision,
// application types, applications, upgrades, health. Shared by the action's management client and
// the emulator. 64-bit integers travel as strings; durations as strings (ISO 8601, or milliseconds).
import type { Int64 } from './models.js';

/** Fabric error codes of the management routes (the Image Store ones are in error-codes.ts). */
export const ManagementErrorCode = {
  ApplicationTypeAlreadyExists: 'FABRIC_E_APPLICATION_TYPE_ALREADY_EXISTS',
  ApplicationTypeNotFound: 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND',
  ApplicationTypeInUse: 'FABRIC_E_APPLICATION_TYPE_IN_USE',
  ApplicationTypeProvisionInProgress: 'FABRIC_E_APPLICATION_TYPE_PROVISION_IN_PROGRESS',
  ImageBuilderValidationError: 'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR',
  ServiceManifestNotFound: 'FABRIC_E_SERVICE_MANIFEST_NOT_FOUND',
  ApplicationAlreadyExists: 'FABRIC_E_APPLICATION_ALREADY_EXISTS',
  ApplicationNotFound: 'FABRIC_E_APPLICATION_NOT_FOUND',
  ApplicationAlreadyInTargetVersion: 'FABRIC_E_APPLICATION_ALREADY_IN_TARGET_VERSION',
  ApplicationNotUpgrading: 'FABRIC_E_APPLICATION_NOT_UPGRADING',
  ApplicationUpgradeInProgress: 'FABRIC_E_APPLICATION_UPGRADE_IN_PROGRESS',
  InvalidNameUri: 'FABRIC_E_INVALID_NAME_URI'
} as const;

/**
 * Characters an application name cannot hold. The runtime's NamingUri reserves `$ + | ~` (`~` would
 * also make the id ambiguous: it stands for `/`); `?` and `#` would start a query or a fragment; and
 * the runtime's own REST client refuses `[ ] < > \ ^ %` as well. [undoc] The gateway unescapes the
 * route it is given, so a `%` cannot be carried unambiguously (`%41` could reach the cluster as `A`):
 * it is refused with the rest, as are control characters, rather than encoded.
 */
const RESERVED_IN_NAMES = '$+|~?#[]<>\\^%';

/**
 * Why a text is not an application name the cluster accepts, or undefined when it is one. As the
 * runtime's NamingUri: the `fabric:/` scheme, no empty segment, no trailing `/`, none of the
 * characters of RESERVED_IN_NAMES and no control character.
 */
export function applicationNameProblem(name: string): string | undefined {
  if (!/^fabric:\/[^/]/.test(name)) return "it must start with 'fabric:/' followed by a name";
  if (name.includes('//') || name.endsWith('/')) return "it must not have an empty segment ('//') or end with '/'";
  const rest = [...name.slice('fabric:/'.length)];
  const reserved = rest.find(c => RESERVED_IN_NAMES.includes(c));
  if (reserved) return `'${reserved}' is reserved in Service Fabric names`;
  const control = rest.find(isControlCharacter);
  if (control) return `it holds the control character ${codePoint(control)}`;
  return undefined;
}

/**
 * Why a text cannot be an application type name or version, or undefined. Both travel in the
 * management routes (`/ApplicationTypes/{name}`, `ApplicationTypeVersion=`) and name folders and
 * files in the cluster's own store. [undoc] Refused here: a `%` (the gateway unescapes: see
 * RESERVED_IN_NAMES), the characters a Windows cluster cannot put in a file name (`< > : " | ? * \ /`),
 * `#`, control characters, and the names `.` and `$` (a URL's "this folder", and the gateway's
 * separator between a resource and its action). The caller checks path separators, `..` and
 * surrounding spaces.
 */
export function applicationTypeNameProblem(value: string): string | undefined {
  if (value === '.' || value === '$') return `is '${value}', which the gateway reads as part of the route`;
  const bad = [...value].find(c => '%<>:"|?*#'.includes(c) || isControlCharacter(c));
  if (bad === undefined) return undefined;
  if (isControlCharacter(bad)) return `contains the control character ${codePoint(bad)}`;
  return bad === '%' ? "contains '%', which the gateway reads as the start of an escape" : `contains '${bad}', which the cluster cannot carry in a type name`;
}

function isControlCharacter(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `fabric:/a/b` → `a~b`, the id the `/Applications/{id}` routes take. */
export function applicationIdOf(name: string): string {
  return name
    .replace(/^fabric:\//i, '')
    .split('/')
    .join('~');
}

export type ApplicationPackageCleanupPolicy = 'Invalid' | 'Default' | 'Automatic' | 'Manual';

/** Body of `POST /ApplicationTypes/$/Provision` from api-version 6.2: `Kind` must come first. */
export interface ProvisionApplicationTypeDescription {
  Kind: 'ImageStorePath';
  ApplicationTypeBuildPath: string;
  Async: boolean;
  ApplicationPackageCleanupPolicy?: ApplicationPackageCleanupPolicy;
}

/** Body of the same route up to api-version 6.0 (always synchronous). */
export interface ApplicationTypeImageStorePath {
  ApplicationTypeBuildPath: string;
}

export type ApplicationTypeStatus = 'Invalid' | 'Provisioning' | 'Available' | 'Unprovisioning' | 'Failed';

export interface ApplicationParameter {
  Key: string;
  Value: string;
}

export interface ApplicationTypeInfo {
  Name: string;
  Version: string;
  DefaultParameterList: ApplicationParameter[];
  Status: ApplicationTypeStatus;
  StatusDetails: string;
  ApplicationTypeDefinitionKind: 'Invalid' | 'ServiceFabricApplicationPackage' | 'Compose';
}

export interface PagedList<T> {
  ContinuationToken: string;
  Items: T[];
}

export type PagedApplicationTypeInfoList = PagedList<ApplicationTypeInfo>;

/** `$/GetApplicationManifest` and `$/GetServiceManifest`. */
export interface ManifestInfo {
  Manifest: string;
}

export interface ServiceTypeDescription {
  Kind: 'Stateful' | 'Stateless';
  ServiceTypeName: string;
  IsStateful: boolean;
  HasPersistedState?: boolean;
  UseImplicitHost: boolean;
  PlacementConstraints: string;
}

export interface ServiceTypeInfo {
  ServiceTypeDescription: ServiceTypeDescription;
  ServiceManifestName: string;
  ServiceManifestVersion: string;
  IsServiceGroup: boolean;
}

export interface UnprovisionApplicationTypeDescription {
  ApplicationTypeVersion: string;
  Async?: boolean;
}

export type ApplicationStatus = 'Invalid' | 'Ready' | 'Upgrading' | 'Creating' | 'Deleting' | 'Failed';
export type HealthState = 'Invalid' | 'Ok' | 'Warning' | 'Error' | 'Unknown';

export interface ApplicationInfo {
  Id: string;
  Name: string;
  TypeName: string;
  TypeVersion: string;
  Status: ApplicationStatus;
  /** The parameters the application was given (not the manifest's defaults). */
  Parameters: ApplicationParameter[];
  HealthState: HealthState;
  ApplicationDefinitionKind: 'Invalid' | 'ServiceFabricApplicationDescription' | 'Compose';
}

export type PagedApplicationInfoList = PagedList<ApplicationInfo>;

/** Body of `POST /Applications/$/Create`. */
export interface ApplicationDescription {
  Name: string;
  TypeName: string;
  TypeVersion: string;
  ParameterList?: ApplicationParameter[];
}

export type RollingUpgradeMode = 'Invalid' | 'UnmonitoredAuto' | 'UnmonitoredManual' | 'Monitored';
export type FailureAction = 'Invalid' | 'Rollback' | 'Manual';

export interface MonitoringPolicyDescription {
  FailureAction?: FailureAction;
  HealthCheckWaitDurationInMilliseconds?: string;
  HealthCheckStableDurationInMilliseconds?: string;
  HealthCheckRetryTimeoutInMilliseconds?: string;
  UpgradeTimeoutInMilliseconds?: string;
  UpgradeDomainTimeoutInMilliseconds?: string;
}

export interface ApplicationHealthPolicy {
  ConsiderWarningAsError?: boolean;
  MaxPercentUnhealthyDeployedApplications?: number;
}

/** Body of `POST /Applications/{id}/$/Upgrade`. */
export interface ApplicationUpgradeDescription {
  Name: string;
  TargetApplicationTypeVersion: string;
  /** Replaces the application's parameters: one left out returns to the manifest's default. */
  Parameters?: ApplicationParameter[];
  UpgradeKind?: 'Invalid' | 'Rolling';
  /** UnmonitoredAuto when absent. */
  RollingUpgradeMode?: RollingUpgradeMode;
  UpgradeReplicaSetCheckTimeoutInSeconds?: Int64 | number;
  ForceRestart?: boolean;
  MonitoringPolicy?: MonitoringPolicyDescription;
  ApplicationHealthPolicy?: ApplicationHealthPolicy;
}

export type UpgradeDomainState = 'Invalid' | 'Pending' | 'InProgress' | 'Completed';

export interface UpgradeDomainInfo {
  Name: string;
  State: UpgradeDomainState;
}

export type ApplicationUpgradeState =
  'Invalid' | 'RollingBackInProgress' | 'RollingBackCompleted' | 'RollingForwardPending' | 'RollingForwardInProgress' | 'RollingForwardCompleted' | 'Failed';

export type UpgradeFailureReason = 'None' | 'Interrupted' | 'HealthCheck' | 'UpgradeDomainTimeout' | 'OverallUpgradeTimeout';

export interface HealthEvaluation {
  Kind: string;
  AggregatedHealthState: HealthState;
  Description: string;
  UnhealthyEvaluations?: HealthEvaluationWrapper[];
  [detail: string]: unknown;
}

export interface HealthEvaluationWrapper {
  HealthEvaluation: HealthEvaluation;
}

export interface UpgradeDomainProgress {
  DomainName: string;
  NodeUpgradeProgressList: unknown[];
}

export interface ApplicationUpgradeProgressInfo {
  Name: string;
  TypeName: string;
  TargetApplicationTypeVersion: string;
  UpgradeDomains: UpgradeDomainInfo[];
  UpgradeState: ApplicationUpgradeState;
  NextUpgradeDomain: string;
  RollingUpgradeMode: RollingUpgradeMode;
  UpgradeDescription: ApplicationUpgradeDescription;
  /** Elapsed time of the whole upgrade, an ISO 8601 duration. */
  UpgradeDurationInMilliseconds: string;
  /** Elapsed time in the current upgrade domain, an ISO 8601 duration. */
  UpgradeDomainDurationInMilliseconds: string;
  UnhealthyEvaluations: HealthEvaluationWrapper[];
  CurrentUpgradeDomainProgress: UpgradeDomainProgress;
  StartTimestampUtc: string;
  /** `0001-01-01T00:00:00.000Z` while nothing failed. */
  FailureTimestampUtc: string;
  FailureReason: UpgradeFailureReason;
  UpgradeDomainProgressAtFailure: UpgradeDomainProgress;
  UpgradeStatusDetails: string;
}

/** Body of `POST /Applications/{id}/$/MoveToNextUpgradeDomain`. */
export interface ResumeApplicationUpgradeDescription {
  UpgradeDomain: string;
}

export interface ApplicationHealth {
  Name: string;
  AggregatedHealthState: HealthState;
  HealthEvents: unknown[];
  UnhealthyEvaluations: HealthEvaluationWrapper[];
  ServiceHealthStates: unknown[];
  DeployedApplicationHealthStates: unknown[];
}
