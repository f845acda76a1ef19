// What a stamped release changes: each stamped service manifest and Code/Config/Data package whose
// version the application's running type version does not have (cluster-management-protocol.md:
// GET /Applications/{id}, then the running version's manifests). With no application named, or
// none running yet, everything is new.
import { parseApplicationManifest, parseServiceManifest } from '../protocol/manifests.js';
import type { ClusterManifestSource } from './diff-package.js';
import type { StampRow } from './version-stamp.js';

/** What the comparison needs from the cluster: ManagementClient has these. */
export interface RunningVersionSource extends Pick<ClusterManifestSource, 'getApplicationManifest' | 'getServiceManifest'> {
  getApplication(applicationName: string): Promise<{ TypeName: string; TypeVersion: string } | undefined>;
}

export interface RunningVersion {
  /** The type version the application runs, or undefined when there is nothing to compare with. */
  typeVersion?: string;
  /** Why there is nothing to compare with, or what was compared with: one sentence for the log. */
  description: string;
  /** Service manifests and packages of the running version, by partKey(). */
  parts: Set<string>;
}

export interface ChangedPackage {
  service: string;
  package: string;
  kind: string;
  version: string;
}

function partKey(kind: string, service: string, name: string, version: string): string {
  return `${service}\u0000${kind}\u0000${name}\u0000${version}`;
}

export async function readRunningVersion(source: RunningVersionSource, applicationName: string | undefined, typeName: string): Promise<RunningVersion> {
  const parts = new Set<string>();
  if (applicationName === undefined) return { description: 'No application is named: every package counts as changed.', parts };
  const app = await source.getApplication(applicationName);
  if (!app) return { description: `${applicationName} does not exist yet: every package counts as changed.`, parts };
  if (app.TypeName !== typeName) {
    return { description: `${applicationName} runs another application type (${app.TypeName}): every package counts as changed.`, parts };
  }
  const appXml = await source.getApplicationManifest(typeName, app.TypeVersion);
  if (appXml === undefined)
    return { description: `The cluster did not return the manifest of ${typeName} ${app.TypeVersion}: every package counts as changed.`, parts };
  const manifest = parseApplicationManifest(appXml, `the cluster's ApplicationManifest.xml of ${typeName} ${app.TypeVersion}`);
  for (const ref of manifest.serviceManifestImports) {
    const xml = await source.getServiceManifest(typeName, app.TypeVersion, ref.name);
    if (xml === undefined) continue;
    const service = parseServiceManifest(xml, `the cluster's service manifest ${ref.name} of ${typeName} ${app.TypeVersion}`);
    parts.add(partKey('ServiceManifest', service.name, service.name, service.version));
    for (const p of service.parts) parts.add(partKey(p.kind, service.name, p.name, p.version));
  }
  return { typeVersion: app.TypeVersion, description: `Compared with ${typeName} ${app.TypeVersion}, which ${applicationName} runs.`, parts };
}

/** Whether the running version lacks this row's stamped version (the application type row: whether the type version differs). */
export function isChanged(row: StampRow, running: RunningVersion): boolean {
  if (row.kind === 'ApplicationType') return running.typeVersion !== row.stamped;
  return !running.parts.has(partKey(row.kind, row.service, row.name, row.stamped));
}

/** The `changed-packages` output: service manifests and packages that changed, in the table's order. */
export function changedPackages(rows: StampRow[], running: RunningVersion): ChangedPackage[] {
  return rows
    .filter(r => r.kind !== 'ApplicationType' && isChanged(r, running))
    .map(r => ({ service: r.service, package: r.name, kind: r.kind, version: r.stamped }));
}
