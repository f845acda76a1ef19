// The gateway path's guards (src/deploy/release-guards.ts) on the application as ARM shows it:
// the ARM resource is mapped to what the guards read, so the rules and their sentences are the
// same on both paths. Only the refusal of a running operation is ARM's own: the gateway path
// follows an upgrade to the same version, but ARM's resource does not say reliably where a
// running upgrade goes, so a write now could interrupt it.
import type { ApplicationInfo, ParameterPair } from '../cluster/management-client.js';
import { ReleaseError } from '../deploy/polling.js';
import { checkApplicationType, checkVersionOrder, type GuardedApplication, guardOmittedParameters } from '../deploy/release-guards.js';
import type { ApplicationManifest } from '../protocol/manifests.js';
import type { SettingNames } from '../util/settings.js';
import { type ArmApplication, isTerminalState, typeFromVersionId, versionFromId } from './arm-outcome.js';

export interface ArmGuardTarget {
  app: GuardedApplication;
  manifest: ApplicationManifest;
  names: SettingNames;
}

/** The ARM application as the gateway's GET /Applications/{id} would show it, for the guards. */
export function armApplicationInfo(existing: ArmApplication, name: string): ApplicationInfo {
  const state = existing.properties?.provisioningState;
  const versionId = existing.properties?.version;
  return {
    Id: name.replace(/^fabric:\//, ''),
    Name: name,
    TypeName: typeFromVersionId(versionId) ?? '',
    TypeVersion: versionFromId(versionId) ?? '',
    Status: !isTerminalState(state) ? 'Upgrading' : state === 'Failed' ? 'Failed' : 'Ready',
    Parameters: Object.entries(existing.properties?.parameters ?? {}).map(([Key, Value]) => ({ Key, Value: String(Value) }))
  };
}

/**
 * Refuses an operation under way, another application type, a downgrade (unless allowed) and
 * parameters silently returned to their defaults; returns the parameters to send (with
 * `omitted-parameters: keep`, the application's current values join them).
 */
export function guardArmApplication(target: ArmGuardTarget, existing: ArmApplication, log: (line: string) => void): ParameterPair[] {
  const { app, manifest, names } = target;
  const state = existing.properties?.provisioningState;
  if (!isTerminalState(state)) {
    throw new ReleaseError(
      `${app.name} has an ARM operation under way (provisioningState ${state}): writing the application now would interrupt it (a new upgrade request rolls a running upgrade back). Wait until it ends (the managed cluster's applications in the Azure portal, or 'az sf managed-application show'), then run the step again.`
    );
  }
  const info = armApplicationInfo(existing, app.name);
  if (info.TypeName === '') {
    throw new ReleaseError(
      `ARM shows ${app.name} without a type version it runs (properties.version '${existing.properties?.version ?? ''}'), so the step cannot tell whether this release is an upgrade of it. Look at the application in the Azure portal.`
    );
  }
  checkApplicationType(app, manifest, info, names);
  checkVersionOrder(app, manifest, info, log, names);
  const outcome = guardOmittedParameters(app, manifest, info, names);
  for (const note of outcome.notes) log(note);
  return outcome.parameters;
}
