// What a release through ARM really did. A rolled-back upgrade has been reported `Succeeded` by
// ARM, so the application is read back and judged on its own properties: its version and its
// parameters, whatever the operation said.
import { sameResourceId } from './arm-target.js';

export interface ArmApplication {
  id?: string;
  name?: string;
  properties?: { provisioningState?: string; version?: string; parameters?: Record<string, string> };
}

export interface ArmVersion {
  id?: string;
  name?: string;
  properties?: { provisioningState?: string };
}

/** The states after which ARM does nothing more with a resource; any other (Updating, Creating, Deleting…) is an operation under way. */
const TERMINAL_STATES = ['succeeded', 'failed', 'canceled'];

/** Whether the resource's provisioningState says that no operation is under way (none at all counts as ended). */
export function isTerminalState(state: string | undefined): boolean {
  return state === undefined || TERMINAL_STATES.includes(state.toLowerCase());
}

/** The version's own name from a type version's resource id: `…/versions/2.0.0` → `2.0.0`. */
export function versionFromId(id: string | undefined): string | undefined {
  const match = id === undefined ? null : /\/versions\/([^/]+)\/?$/i.exec(id);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** The application type's name from a type version's resource id: `…/applicationTypes/T/versions/2.0.0` → `T`. */
export function typeFromVersionId(id: string | undefined): string | undefined {
  const match = id === undefined ? null : /\/applicationTypes\/([^/]+)\/versions\/[^/]+\/?$/i.exec(id);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** What the release asked for, and what the application had before, to judge the read-back. */
export interface RequestedApplication {
  versionId: string;
  /** The parameters as the application runs them (the manifest's defaults filled in), from a parameter object. */
  effective(parameters: Record<string, string> | undefined): Map<string, string>;
  parameters: Record<string, string>;
  /** The application before the write; undefined for a create. */
  before: ArmApplication | undefined;
}

function sameValues(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** Whether the application is at the requested version with the requested parameters (whatever its provisioningState). */
export function atRequestedState(app: ArmApplication, requested: RequestedApplication): boolean {
  const version = app.properties?.version;
  if (version === undefined || !sameResourceId(version, requested.versionId)) return false;
  return sameValues(requested.effective(app.properties?.parameters), requested.effective(requested.parameters));
}

/** Whether the application is no longer as it was before the write (or exists now, after a create): a write was carried out. */
export function changedSince(app: ArmApplication, requested: RequestedApplication): boolean {
  return (
    requested.before === undefined || !atPreviousState(app, requested) || app.properties?.provisioningState !== requested.before.properties?.provisioningState
  );
}

/** Whether the application is back where it was before the write: same version, same parameters. */
function atPreviousState(app: ArmApplication, requested: RequestedApplication): boolean {
  const before = requested.before?.properties;
  const version = app.properties?.version;
  if (before?.version === undefined || version === undefined || !sameResourceId(version, before.version)) return false;
  return sameValues(requested.effective(app.properties?.parameters), requested.effective(before.parameters));
}

/**
 * The upgrade state the read-back shows, in the gateway's words: RollingForwardCompleted at the
 * requested version and parameters with Succeeded, RollingBackCompleted back at the previous ones
 * with the operation over; undefined otherwise (and for a create, which is no upgrade).
 */
export function upgradeStateFromReadBack(app: ArmApplication, requested: RequestedApplication): string | undefined {
  if (requested.before === undefined) return undefined;
  const state = app.properties?.provisioningState;
  if (state === 'Succeeded' && atRequestedState(app, requested)) return 'RollingForwardCompleted';
  if (isTerminalState(state) && state !== undefined && atPreviousState(app, requested)) return 'RollingBackCompleted';
  return undefined;
}

/**
 * Undefined when the application is at the requested version and parameters with provisioningState
 * Succeeded; else the sentence the step fails with, whatever the operation reported.
 */
export function applicationOutcomeProblem(app: ArmApplication, appName: string, requested: RequestedApplication, operationState: string): string | undefined {
  const state = app.properties?.provisioningState;
  const version = app.properties?.version;
  const requestedVersion = versionFromId(requested.versionId) ?? requested.versionId;
  const said = `ARM reported the operation ${operationState}`;
  if (version === undefined || !sameResourceId(version, requested.versionId)) {
    const at = versionFromId(version) ?? version ?? 'no version';
    return `${said}, but the application ${appName} is at ${at}, not ${requestedVersion}: the upgrade was rolled back (or never applied). Look at the cluster's upgrade events and health for the cause.`;
  }
  if (!atRequestedState(app, requested)) {
    // Names only: parameter values may be secrets.
    const wanted = requested.effective(requested.parameters);
    const now = requested.effective(app.properties?.parameters);
    const differing = [...new Set([...wanted.keys(), ...now.keys()])].filter(k => wanted.get(k) !== now.get(k));
    return `${said}, but the application ${appName} runs ${requestedVersion} with other values of ${differing.join(', ')} than this release gave: the parameter upgrade was rolled back (or never applied). Look at the cluster's upgrade events and health for the cause.`;
  }
  if (state !== 'Succeeded') {
    return `${said}, but the application ${appName} is at ${requestedVersion} with provisioningState ${state ?? '(none)'}, not Succeeded: the release did not complete.`;
  }
  return undefined;
}

/** The version resources of the type that no application uses (`unprovision-old-versions`), never `keep`. */
export function unusedVersions(versions: ArmVersion[], applications: ArmApplication[], keep: string): ArmVersion[] {
  const used = applications.map(a => a.properties?.version).filter((v): v is string => v !== undefined);
  return versions.filter(v => v.id !== undefined && !sameResourceId(v.id, keep) && !used.some(u => sameResourceId(u, v.id!)));
}
