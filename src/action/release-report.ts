// What the release did, as step outputs and as facts for the job summary. Written whether the
// step succeeds or fails, with every value the core's record holds by then.
import * as core from '@actions/core';
import { ReleaseRecord } from '../deploy/release-record.js';
import type { ReleaseFacts } from './summary-markdown.js';

export { ReleaseRecord, type ReleasePhase } from '../deploy/release-record.js';

export const ReleaseOutput = {
  ApplicationTypeName: 'application-type-name',
  ApplicationTypeVersion: 'application-type-version',
  ProvisionResult: 'provision-result',
  ApplicationResult: 'application-result',
  PreviousApplicationTypeVersion: 'previous-application-type-version',
  UpgradeState: 'upgrade-state',
  DeployDurationSeconds: 'deploy-duration-seconds'
} as const;

/** The release's step outputs, by the action's output names. */
export function releaseOutputs(r: ReleaseRecord): Record<string, string> {
  const duration = r.durationSeconds;
  const values: Record<string, string | undefined> = {
    [ReleaseOutput.ApplicationTypeName]: r.typeName,
    [ReleaseOutput.ApplicationTypeVersion]: r.typeVersion,
    [ReleaseOutput.ProvisionResult]: r.provisionResult,
    [ReleaseOutput.ApplicationResult]: r.applicationResult,
    [ReleaseOutput.PreviousApplicationTypeVersion]: r.previousVersion,
    [ReleaseOutput.UpgradeState]: r.upgradeState,
    [ReleaseOutput.DeployDurationSeconds]: duration === undefined ? undefined : duration.toFixed(3)
  };
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Sets the step outputs (ends the release's clock first). */
export function writeReleaseOutputs(r: ReleaseRecord): void {
  r.end();
  for (const [name, value] of Object.entries(releaseOutputs(r))) core.setOutput(name, value);
}

/** What the job summary says about the release, or undefined when only an upload was asked for. */
export function releaseFacts(r: ReleaseRecord): ReleaseFacts | undefined {
  if (!r.requested) return undefined;
  return {
    typeName: r.typeName,
    typeVersion: r.typeVersion,
    applicationName: r.applicationName,
    provisionResult: r.provisionResult,
    applicationResult: r.applicationResult,
    previousVersion: r.previousVersion,
    upgradeMode: r.upgradeMode,
    failureAction: r.failureAction,
    upgradeState: r.upgradeState,
    done: r.phase === 'done',
    domains: r.domains,
    healthEvaluations: r.healthEvaluations,
    failedDomain: r.failedDomain,
    packageDeleted: r.packageDeleted,
    unprovisioned: r.unprovisioned,
    keptVersions: r.keptVersions,
    durationSeconds: r.durationSeconds
  };
}

/** The record with the action's outputs: for the tests that read them. */
export class ReleaseReport extends ReleaseRecord {
  outputs(): Record<string, string> {
    return releaseOutputs(this);
  }
}
