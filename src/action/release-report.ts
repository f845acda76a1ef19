// What the release did, as step outputs and as a section of the job summary. Written whether the
// step succeeds or fails, with every value the core's record holds by then.
import * as core from '@actions/core';
import { releaseOutputs } from '../core/outputs.js';
import { ReleaseRecord } from '../deploy/release-record.js';

export { ReleaseRecord, type ReleasePhase } from '../deploy/release-record.js';

export { ReleaseOutput, releaseOutputs } from '../core/outputs.js';

/** Sets the step outputs (ends the release's clock first). */
export function writeReleaseOutputs(r: ReleaseRecord): void {
  r.end();
  for (const [name, value] of Object.entries(releaseOutputs(r))) core.setOutput(name, value);
}

/** Writes the release section of the job summary (only when a release was asked for); never fatal. */
export async function writeReleaseSummary(r: ReleaseRecord): Promise<void> {
  if (!r.requested) return;
  try {
    const what = [
      r.provisionResult === 'provisioned' ? 'provisioned' : r.provisionResult === 'already-provisioned' ? 'already provisioned (nothing uploaded)' : undefined,
      r.applicationResult ? `${r.applicationName} ${r.applicationResult}` : undefined
    ]
      .filter(Boolean)
      .join(', ');
    const status = r.error
      ? `❌ Release failed: ${r.error.split('\n')[0]}`
      : r.phase === 'done'
        ? `✅ ${r.typeName} ${r.typeVersion} released${what ? `: ${what}` : ''}.`
        : `ℹ️ ${r.typeName} ${r.typeVersion}: planned, not deployed (dry run).`;
    const row = (label: string, value: string | undefined) => [label, value ?? '—'];
    const duration = r.durationSeconds;
    core.summary
      .addHeading('Service Fabric release', 2)
      .addRaw(status, true)
      .addTable([
        [
          { data: 'What', header: true },
          { data: 'Value', header: true }
        ],
        row('Application type', r.typeName),
        row('Version', r.typeVersion),
        row('Provision', r.provisionResult),
        row('Application', r.applicationName),
        row('Result', r.applicationResult),
        row('Previous version', r.previousVersion),
        row('Upgrade', r.upgradeMode ? `${r.upgradeMode}${r.upgradeMode === 'Monitored' ? `, failure action ${r.failureAction}` : ''}` : undefined),
        row('Upgrade state', r.upgradeState),
        row('Package in the Image Store', r.packageDeleted === undefined ? undefined : r.packageDeleted ? 'removed after provisioning' : 'kept'),
        row(
          'Old versions unprovisioned',
          r.unprovisioned.length > 0 || r.keptVersions.length > 0
            ? `${r.unprovisioned.join(', ') || 'none'}${r.keptVersions.length > 0 ? ` (kept, in use: ${r.keptVersions.join(', ')})` : ''}`
            : undefined
        ),
        row('Duration', duration === undefined ? undefined : `${duration.toFixed(1)} s`)
      ]);
    if (r.domains.length > 0) {
      const time = (ms: number | undefined) => (ms === undefined ? '—' : new Date(ms).toISOString().slice(11, 19) + ' UTC');
      core.summary.addHeading('Upgrade domains', 3).addTable([
        [
          { data: 'Domain', header: true },
          { data: 'Started', header: true },
          { data: 'Completed', header: true },
          { data: 'Duration', header: true }
        ],
        ...r.domains.map(d => [
          d.name,
          time(d.startedAt),
          time(d.completedAt),
          d.startedAt !== undefined && d.completedAt !== undefined ? `${((d.completedAt - d.startedAt) / 1000).toFixed(1)} s` : '—'
        ])
      ]);
    }
    await core.summary.write();
  } catch (err) {
    core.warning(`Could not write the release summary: ${(err as Error).message}`);
  }
}

/** The record with the action's outputs: for the tests that read them. */
export class ReleaseReport extends ReleaseRecord {
  outputs(): Record<string, string> {
    return releaseOutputs(this);
  }
}
