// What a release through ARM really did. A rolled-back upgrade has been reported `Succeeded` by
// ARM, so the application is read back and judged on its own properties.
import { sameResourceId } from './arm-target.js';

export interface ArmApplication {
  id?: string;
  name?: string;
  properties?: { provisioningState?: string; version?: string; parameters?: Record<string, string> };
}

export interface ArmVersion {
  id?: string;
  name?: string;
}

/** The version's own name from a type version's resource id: `…/versions/2.0.0` → `2.0.0`. */
export function versionFromId(id: string | undefined): string | undefined {
  const match = id === undefined ? null : /\/versions\/([^/]+)\/?$/i.exec(id);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/**
 * Undefined when the application is at the requested version with provisioningState Succeeded;
 * else the sentence the step fails with, whatever the operation reported.
 */
export function applicationOutcomeProblem(app: ArmApplication, appName: string, requestedVersionId: string, operationState: string): string | undefined {
  const state = app.properties?.provisioningState;
  const version = app.properties?.version;
  const requested = versionFromId(requestedVersionId) ?? requestedVersionId;
  const said = `ARM reported the operation ${operationState}`;
  if (version === undefined || !sameResourceId(version, requestedVersionId)) {
    const at = versionFromId(version) ?? version ?? 'no version';
    return `${said}, but the application ${appName} is at ${at}, not ${requested}: the upgrade was rolled back (or never applied). Look at the cluster's upgrade events and health for the cause.`;
  }
  if (state !== 'Succeeded') {
    return `${said}, but the application ${appName} is at ${requested} with provisioningState ${state ?? '(none)'}, not Succeeded: the release did not complete.`;
  }
  return undefined;
}

/** The version resources of the type that no application uses (`unprovision-old-versions`), never `keep`. */
export function unusedVersions(versions: ArmVersion[], applications: ArmApplication[], keep: string): ArmVersion[] {
  const used = applications.map(a => a.properties?.version).filter((v): v is string => v !== undefined);
  return versions.filter(v => v.id !== undefined && !sameResourceId(v.id, keep) && !used.some(u => sameResourceId(u, v.id!)));
}
