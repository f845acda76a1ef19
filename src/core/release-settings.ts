// The release settings: provision, create or upgrade, wait. Read and validated once, before any
// request; every one is optional, and without them only the upload runs. Shared by the front doors.
import * as path from 'node:path';
import { parseUpgradeSettings } from '../deploy/upgrade-policy.js';
import { checkedApplicationName, FAILURE_ACTIONS, type ReleaseSpec, UPGRADE_MODES, wantsApplication } from '../deploy/release-spec.js';
import { OMITTED_PARAMETERS_MODES } from '../deploy/release-guards.js';
import type { Reporter } from '../util/reporter.js';
import { SETTING, SettingError as InputError, type SettingNames } from '../util/settings.js';

export const DEFAULT_DEPLOY_TIMEOUT_SECONDS = 3600;

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

export function parseApplicationName(input: string, value: string): string {
  return checkedApplicationName(`'${input}'`, value);
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

/**
 * Reads and validates the release settings: `read` gives a value by canonical name, '' when unset;
 * messages name a setting by `names`; local paths are made absolute with `resolve`.
 */
export function readReleaseSpec(
  read: (name: string) => string,
  names: SettingNames,
  reporter: Pick<Reporter, 'info'>,
  resolve: (p: string) => string = p => path.resolve(p)
): ReleaseSpec {
  const applicationNameText = read(SETTING.ApplicationName).trim();
  const inputs: ReleaseSpec = {
    provision: optionalBoolean(names.Provision, read(SETTING.Provision)),
    keepPackage: optionalBoolean(names.KeepPackage, read(SETTING.KeepPackage)) ?? false,
    applicationName: applicationNameText === '' ? undefined : parseApplicationName(names.ApplicationName, applicationNameText),
    applicationParameterFile: localFile(read(SETTING.ApplicationParameterFile), resolve),
    applicationParameters: parseNameValueLines(names.ApplicationParameters, read(SETTING.ApplicationParameters)),
    publishProfile: localFile(read(SETTING.PublishProfile), resolve),
    upgradeMode: oneOf(names.UpgradeMode, read(SETTING.UpgradeMode), UPGRADE_MODES),
    failureAction: oneOf(names.FailureAction, read(SETTING.FailureAction), FAILURE_ACTIONS),
    upgradeSettings: parseUpgradeSettings(names.UpgradeSettings, read(SETTING.UpgradeSettings)),
    deployTimeoutSeconds: parseSeconds(names.DeployTimeout, read(SETTING.DeployTimeout) || String(DEFAULT_DEPLOY_TIMEOUT_SECONDS)),
    unprovisionOldVersions: optionalBoolean(names.UnprovisionOldVersions, read(SETTING.UnprovisionOldVersions)) ?? false,
    allowDowngrade: optionalBoolean(names.AllowDowngrade, read(SETTING.AllowDowngrade)) ?? false,
    omittedParameters: oneOf(names.OmittedParameters, read(SETTING.OmittedParameters), OMITTED_PARAMETERS_MODES) ?? 'refuse'
  };
  if (inputs.provision === false && wantsApplication(inputs)) {
    throw new InputError(
      `'${names.Provision}' is false, but an application input is set: an application can only be created or upgraded to a provisioned type, so remove '${names.Provision}: false' (it is implied).`
    );
  }
  if (inputs.provision === false && inputs.unprovisionOldVersions) {
    throw new InputError(`'${names.UnprovisionOldVersions}' needs a provisioned release: remove '${names.Provision}: false'.`);
  }
  if (inputs.provision === false && inputs.keepPackage) {
    reporter.info(`'${names.KeepPackage}' has no effect without provisioning: the package is always kept after a plain upload.`);
  }
  return inputs;
}
