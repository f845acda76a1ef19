// What the release did, as step outputs and as facts for the job summary. Written whether the
// step succeeds or fails, with every value the core's record holds by then.
import * as core from '@actions/core';
import { releaseOutputs } from '../core/outputs.js';
import { ReleaseRecord } from '../deploy/release-record.js';
import type { ReleaseFacts } from './summary-markdown.js';

export { ReleaseRecord, type ReleasePhase } from '../deploy/release-record.js';

export { ReleaseOutput, releaseOutputs } from '../core/outputs.js';

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
