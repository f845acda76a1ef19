// What a release refuses to do to an application that exists already, decided from the
// application as the cluster reports it (GET /Applications/{id}) before anything is written, and
// again just before the upgrade request (the application may have changed during the upload):
// - change its application type (an upgrade cannot);
// - take it to an older version (unless allow-downgrade), or to one that cannot be ordered;
// - return a parameter the application has to the manifest default only because the release
//   does not give it (omitted-parameters: refuse, keep or reset).
import type { ApplicationInfo, ParameterPair } from '../cluster/management-client.js';
import type { ApplicationManifest } from '../protocol/manifests.js';
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import { ReleaseError } from './polling.js';
import { declaredVersion, hasStamp } from '../util/stamp-suffix.js';
import { compareTypeVersions, type VersionOrder } from './version-order.js';

export const OMITTED_PARAMETERS_MODES = ['refuse', 'keep', 'reset'] as const;
export type OmittedParameters = (typeof OMITTED_PARAMETERS_MODES)[number];

export interface GuardSettings {
  allowDowngrade: boolean;
  omittedParameters: OmittedParameters;
}

export interface GuardedApplication {
  name: string;
  /** The parameters the release gives (parameter file and inputs), before any is kept. */
  givenParameters: ParameterPair[];
  guards: GuardSettings;
}

export interface GuardOutcome {
  /** The list to send: the given parameters, plus the application's current values with `keep`. */
  parameters: ParameterPair[];
  /** Lines for the log. */
  notes: string[];
}

/** Refuses an application of another type, before anything is written. */
export function checkApplicationType(
  app: { name: string },
  manifest: ApplicationManifest,
  existing: ApplicationInfo,
  names: SettingNames = CANONICAL_NAMES
): void {
  if (existing.TypeName !== manifest.typeName) {
    throw new ReleaseError(
      `${app.name} exists with the application type ${existing.TypeName}, not ${manifest.typeName}: an upgrade cannot change the type. Choose another '${names.ApplicationName}', or delete the application first.`
    );
  }
}

/** Refuses a downgrade, or a version that cannot be ordered against the current one, unless allowed. */
export function checkVersionOrder(
  app: GuardedApplication,
  manifest: ApplicationManifest,
  existing: ApplicationInfo,
  log: (line: string) => void,
  names: SettingNames = CANONICAL_NAMES
): void {
  const target = manifest.typeVersion;
  const current = typeof existing.TypeVersion === 'string' ? existing.TypeVersion : '';
  // version-stamp: content. Stamps (digests) have no order: the declared versions are compared, and
  // the same declared version with other content is the usual release, not a downgrade.
  const stamped = current !== '' && (hasStamp(target) || hasStamp(current));
  if (stamped && target !== current && declaredVersion(target) === declaredVersion(current)) {
    log(`${target} and ${current}, which ${app.name} runs, have the same declared version ${declaredVersion(target)}: other content, upgraded.`);
    return;
  }
  const order: VersionOrder =
    current === ''
      ? { incomparable: 'the cluster did not say which version it runs' }
      : stamped
        ? compareTypeVersions(declaredVersion(target), declaredVersion(current))
        : compareTypeVersions(target, current);
  if ('order' in order) {
    if (order.order >= 0) return;
    if (app.guards.allowDowngrade) {
      log(`${target} is older than ${current}, which ${app.name} runs: downgrading it ('${names.AllowDowngrade}: true').`);
      return;
    }
    throw new ReleaseError(
      `The package's version ${target} is older than ${current}, which ${app.name} runs: the step refuses to downgrade it (an old workflow run re-run?). Release a newer version, or set '${names.AllowDowngrade}: true' to go back to ${target} on purpose.`
    );
  }
  log(`Cannot tell whether ${target} is older than ${current}, which ${app.name} runs: ${order.incomparable}.`);
  if (app.guards.allowDowngrade) {
    log(`Upgrading to ${target} anyway ('${names.AllowDowngrade}: true').`);
    return;
  }
  throw new ReleaseError(
    `Cannot tell whether the package's version ${target} is older than ${current}, which ${app.name} runs (${order.incomparable}), so the step refuses it as it would a downgrade. Use versions whose differing parts are numbers (1.2.0 → 1.3.0), or set '${names.AllowDowngrade}: true' if ${target} is the version you mean to run.`
  );
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * An upgrade replaces the application's parameters: one the release does not give returns to
 * the new manifest's default. Finds those whose value would change that way, and refuses, keeps
 * or resets them. Names only in messages: values may be secrets.
 */
export function guardOmittedParameters(
  app: GuardedApplication,
  manifest: ApplicationManifest,
  existing: ApplicationInfo,
  names: SettingNames = CANONICAL_NAMES
): GuardOutcome {
  const given = app.givenParameters;
  const changing: ParameterPair[] = [];
  const dropped: string[] = [];
  for (const current of existing.Parameters ?? []) {
    if (given.some(p => sameName(p.Key, current.Key))) continue;
    const declared = manifest.parameters.find(d => sameName(d.name, current.Key));
    if (!declared) {
      dropped.push(current.Key);
      continue;
    }
    if (current.Value !== declared.defaultValue) changing.push({ Key: declared.name, Value: current.Value });
  }
  const notes: string[] = [];
  if (dropped.length > 0) {
    notes.push(
      `${dropped.join(', ')} ${dropped.length === 1 ? 'is' : 'are'} set on ${app.name} but not declared by ${manifest.typeName} ${manifest.typeVersion}: the upgrade drops ${dropped.length === 1 ? 'it' : 'them'}.`
    );
  }
  // In the manifest's order, so that messages and the request are stable.
  const position = (key: string) => manifest.parameters.findIndex(d => d.name === key);
  changing.sort((a, b) => position(a.Key) - position(b.Key));
  const changedNames = changing.map(p => p.Key);
  const mode = app.guards.omittedParameters;
  if (changing.length === 0) return { parameters: given, notes };
  if (mode === 'reset') {
    notes.push(
      `${changedNames.join(', ')} on ${app.name} ${changing.length === 1 ? 'returns' : 'return'} to the manifest default ('${names.OmittedParameters}: reset').`
    );
    return { parameters: given, notes };
  }
  if (mode === 'refuse') {
    const them = changing.length === 1 ? 'it' : 'them';
    throw new ReleaseError(
      `${app.name} has ${changedNames.join(', ')} set to ${changing.length === 1 ? 'a value' : 'values'} other than the manifest default, and this release does not give ${them}: the upgrade would return ${them} to the default. Give ${them} in the parameter file or '${names.ApplicationParameters}', or set '${names.OmittedParameters}' to 'keep' (carry the current ${changing.length === 1 ? 'value' : 'values'} over) or 'reset' (return to the default).`
    );
  }
  // keep: the current values join the list, in the manifest's order like the rest.
  const merged = [...given, ...changing];
  const parameters = manifest.parameters.flatMap(d => merged.filter(p => p.Key === d.name));
  notes.push(
    `Keeping the current ${changing.length === 1 ? 'value' : 'values'} of ${changedNames.join(', ')} on ${app.name} ('${names.OmittedParameters}: keep').`
  );
  return { parameters, notes };
}
