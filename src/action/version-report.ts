// What `version-stamp: content` did, as the `changed-packages` output and a section of
// the job summary. Written whether the run succeeds or fails, with what is known by then.
import * as core from '@actions/core';
import { versionOutputs } from '../core/outputs.js';
import { isChanged } from '../package/changed-packages.js';
import { stampLabel, type VersionStampRecord } from '../core/version-stamp-step.js';

/** `changed-packages`, once the stamped versions were compared with the cluster. */
export function writeVersionOutputs(r: VersionStampRecord | undefined): void {
  try {
    for (const [name, value] of Object.entries(versionOutputs(r))) core.setOutput(name, value);
  } catch (err) {
    core.setFailed(`Could not write the step outputs to GITHUB_OUTPUT: ${(err as Error).message}`);
  }
}

/** The table of declared and stamped versions; a failure to write it is logged, never fatal. */
export async function writeVersionSummary(r: VersionStampRecord | undefined): Promise<void> {
  if (!r) return;
  try {
    const running = r.running;
    core.summary
      .addHeading('Stamped versions', 3)
      .addRaw(running ? running.description : 'The cluster was not read: whether each version changed is not known.', true);
    await core.summary
      .addTable([
        ['Service / package', 'Declared version', 'Stamped version', 'Changed'].map(data => ({ data, header: true })),
        ...r.rows.map(row => [stampLabel(row), row.declared, row.stamped, running ? (isChanged(row, running) ? 'yes' : 'no') : '—'])
      ])
      .write();
  } catch (err) {
    core.warning(`Could not write the job summary: ${(err as Error).message}`);
  }
}
