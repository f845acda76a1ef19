// The release inputs (issue 11): provision, create or upgrade, wait. Read and validated once,
// before any request; every one is optional, and without them the action only uploads.
import * as core from '@actions/core';
import * as path from 'node:path';
import { InputError } from './inputs.js';
import { applicationNameProblem } from '../protocol/management-models.js';
import { OMITTED_PARAMETERS_MODES, type OmittedParameters } from '../deploy/release-guards.js';
import { parseUpgradeSettings, type UpgradeSettings } from '../deploy/upgrade-policy.js';

export const DeployInput = {
  Provision: 'provision',
  KeepPackage: 'keep-package',
  ApplicationName: 'application-name',
  ApplicationParameterFile: 'application-parameter-file',
  ApplicationParameters: 'application-parameters',
  PublishProfile: 'publish-profile',
  UpgradeMode: 'upgrade-mode',
  FailureAction: 'failure-action',
  UpgradeSettings: 'upgrade-settings',
  DeployTimeout: 'deploy-timeout',
  UnprovisionOldVersions: 'unprovision-old-versions',
  AllowDowngrade: 'allow-downgrade',
  OmittedParameters: 'omitted-parameters'
} as const;

export const UPGRADE_MODES = ['Monitored', 'UnmonitoredAuto'] as const;
export type UpgradeMode = (typeof UPGRADE_MODES)[number];
export const FAILURE_ACTIONS = ['Rollback', 'Manual'] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

export const DEFAULT_DEPLOY_TIMEOUT_SECONDS = 3600;

export interface DeployInputs {
  /** true/false when given; undefined: provision when an application input asks for it. */
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

/** True when any input asks for more than the upload. */
export function wantsRelease(inputs: DeployInputs): boolean {
  return inputs.provision === true || wantsApplication(inputs) || inputs.unprovisionOldVersions;
}

/** True when an input names or configures an application to create or upgrade. */
export function wantsApplication(inputs: DeployInputs): boolean {
  return (
    inputs.applicationName !== undefined ||
    inputs.applicationParameterFile !== undefined ||
    inputs.applicationParameters.length > 0 ||
    inputs.publishProfile !== undefined ||
    inputs.upgradeMode !== undefined ||
    inputs.failureAction !== undefined ||
    Object.keys(inputs.upgradeSettings).length > 0
  );
}

function optionalBoolean(input: string, value: string): boolean | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new InputError(`'${input}' must be 'true' or 'false', not '${value}'.`);
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  const match = allowed.find(a => a.toLowerCase() === v.toLowerCase());
  if (!match) throw new InputError(`'${input}' must be one of ${allowed.join(', ')}, not '${v}'.`);
  return match;
}

/** Parses newline-separated `Name=Value` lines; a value may contain `=` and may be empty. */
export function parseNameValueLines(input: string, text: string): { name: string; value: string }[] {
  const pairs: { name: string; value: string }[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    const name = at < 0 ? '' : line.slice(0, at).trim();
    if (name === '') throw new InputError(`'${input}' takes one 'Name=Value' per line, not '${line}'.`);
    if (seen.has(name)) throw new InputError(`'${input}' sets '${name}' twice: keep one line per name.`);
    seen.add(name);
    pairs.push({ name, value: line.slice(at + 1).trim() });
  }
  return pairs;
}

/** `what` names where the name comes from: an input (`'application-name'`) or a file. */
export function parseApplicationName(what: string, value: string): string {
  const name = value.trim();
  const problem = /^fabric:\/\s/.test(name) ? 'it must not start with a space' : applicationNameProblem(name);
  if (problem) {
    throw new InputError(`${what} must be an application name such as 'fabric:/VotingApp', not '${name}': ${problem}.`);
  }
  return name;
}

function parseSeconds(input: string, value: string): number {
  const v = value.trim();
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 7 * 24 * 3600) {
    throw new InputError(`'${input}' must be a whole number of seconds from 1 to 604800, not '${value}'.`);
  }
  return n;
}

function localFile(value: string, resolve: (p: string) => string): string | undefined {
  const v = value.trim();
  return v === '' ? undefined : resolve(v);
}

/** Reads the release inputs through `core.getInput`: what the runner passes as `INPUT_<NAME>`. */
export function getDeployInputs(
  read: (name: string) => string = name => core.getInput(name),
  resolve: (p: string) => string = p => path.resolve(p)
): DeployInputs {
  const applicationNameText = read(DeployInput.ApplicationName).trim();
  const inputs: DeployInputs = {
    provision: optionalBoolean(DeployInput.Provision, read(DeployInput.Provision)),
    keepPackage: optionalBoolean(DeployInput.KeepPackage, read(DeployInput.KeepPackage)) ?? false,
    applicationName: applicationNameText === '' ? undefined : parseApplicationName(`'${DeployInput.ApplicationName}'`, applicationNameText),
    applicationParameterFile: localFile(read(DeployInput.ApplicationParameterFile), resolve),
    applicationParameters: parseNameValueLines(DeployInput.ApplicationParameters, read(DeployInput.ApplicationParameters)),
    publishProfile: localFile(read(DeployInput.PublishProfile), resolve),
    upgradeMode: oneOf(DeployInput.UpgradeMode, read(DeployInput.UpgradeMode), UPGRADE_MODES),
    failureAction: oneOf(DeployInput.FailureAction, read(DeployInput.FailureAction), FAILURE_ACTIONS),
    upgradeSettings: parseUpgradeSettings(DeployInput.UpgradeSettings, read(DeployInput.UpgradeSettings)),
    deployTimeoutSeconds: parseSeconds(DeployInput.DeployTimeout, read(DeployInput.DeployTimeout) || String(DEFAULT_DEPLOY_TIMEOUT_SECONDS)),
    unprovisionOldVersions: optionalBoolean(DeployInput.UnprovisionOldVersions, read(DeployInput.UnprovisionOldVersions)) ?? false,
    allowDowngrade: optionalBoolean(DeployInput.AllowDowngrade, read(DeployInput.AllowDowngrade)) ?? false,
    omittedParameters: oneOf(DeployInput.OmittedParameters, read(DeployInput.OmittedParameters), OMITTED_PARAMETERS_MODES) ?? 'refuse'
  };
  if (inputs.provision === false && wantsApplication(inputs)) {
    throw new InputError(
      `'${DeployInput.Provision}' is false, but an application input is set: an application can only be created or upgraded to a provisioned type, so remove '${DeployInput.Provision}: false' (it is implied).`
    );
  }
  if (inputs.provision === false && inputs.unprovisionOldVersions) {
    throw new InputError(`'${DeployInput.UnprovisionOldVersions}' needs a provisioned release: remove '${DeployInput.Provision}: false'.`);
  }
  if (inputs.provision === false && inputs.keepPackage) {
    core.info(`'${DeployInput.KeepPackage}' has no effect without provisioning: the package is always kept after a plain upload.`);
  }
  return inputs;
}
