// What to do after the upload (provision, create or upgrade, wait): built once by a front door.
import { applicationNameProblem } from '../protocol/management-models.js';
import { SettingError } from '../util/settings.js';
import type { OmittedParameters } from './release-guards.js';
import type { UpgradeSettings } from './upgrade-policy.js';

export const UPGRADE_MODES = ['Monitored', 'UnmonitoredAuto'] as const;
export type UpgradeMode = (typeof UPGRADE_MODES)[number];
export const FAILURE_ACTIONS = ['Rollback', 'Manual'] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

/** What to do after the upload: provision, create or upgrade, wait. Nothing set: upload only. */
export interface ReleaseSpec {
  /** true/false when given; undefined: provision when an application setting asks for it. */
  provision: boolean | undefined;
  /** Keep the uploaded package in the Image Store after a successful provision. */
  keepPackage: boolean;
  /** `fabric:/Name`, or undefined (then the parameter file's `Name`, if any). */
  applicationName: string | undefined;
  /** Absolute path of an `ApplicationParameters/*.xml` file. */
  applicationParameterFile: string | undefined;
  /** `Name=Value` pairs in the order given; they override the parameter file. */
  applicationParameters: { name: string; value: string }[];
  /** Absolute path of a Visual Studio `PublishProfiles/*.xml` file. */
  publishProfile: string | undefined;
  /** Undefined: the publish profile's, else Monitored. */
  upgradeMode: UpgradeMode | undefined;
  /** Undefined: the publish profile's, else Rollback. */
  failureAction: FailureAction | undefined;
  /** Publish-profile names (`HealthCheckRetryTimeoutSec`…) to values; they override the profile's. */
  upgradeSettings: UpgradeSettings;
  deployTimeoutSeconds: number;
  unprovisionOldVersions: boolean;
  /** Upgrade an application to an older version (or one that cannot be ordered against its own). */
  allowDowngrade: boolean;
  /** What to do with a parameter the application has and the release does not give. */
  omittedParameters: OmittedParameters;
}

/**
 * The application name as the cluster accepts it (trimmed), else a SettingError; `what` names where
 * it comes from, quoted: a setting (`'application-name'`) or a file.
 */
export function checkedApplicationName(what: string, value: string): string {
  const name = value.trim();
  const problem = /^fabric:\/\s/.test(name) ? 'it must not start with a space' : applicationNameProblem(name);
  if (problem) {
    throw new SettingError(`${what} must be an application name such as 'fabric:/VotingApp', not '${name}': ${problem}.`);
  }
  return name;
}

/** True when any setting asks for more than the upload. */
export function wantsRelease(spec: ReleaseSpec): boolean {
  return spec.provision === true || wantsApplication(spec) || spec.unprovisionOldVersions;
}

/** True when a setting names or configures an application to create or upgrade. */
export function wantsApplication(spec: ReleaseSpec): boolean {
  return (
    spec.applicationName !== undefined ||
    spec.applicationParameterFile !== undefined ||
    spec.applicationParameters.length > 0 ||
    spec.publishProfile !== undefined ||
    spec.upgradeMode !== undefined ||
    spec.failureAction !== undefined ||
    Object.keys(spec.upgradeSettings).length > 0
  );
}
