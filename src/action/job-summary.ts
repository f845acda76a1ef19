// Writes the job summary once, at the end of the step, from the core's result and the timed phases;
// never fatal.
import * as core from '@actions/core';
import type { ReleaseResult } from '../core/release.js';
import { releaseFacts } from './release-report.js';
import { uploadFacts } from './run-report.js';
import { renderSummary, type StepFacts } from './summary-markdown.js';
import type { TimedSpan } from './summary-timeline.js';

export function stepFacts(result: ReleaseResult, phases: TimedSpan[], endedAt = Date.now()): StepFacts {
  return { upload: uploadFacts(result.upload), release: releaseFacts(result.release), error: result.error, phases, endedAt };
}

export async function writeJobSummary(result: ReleaseResult, phases: TimedSpan[]): Promise<void> {
  try {
    await core.summary.addRaw(renderSummary(stepFacts(result, phases)), true).write();
  } catch (err) {
    core.warning(`Could not write the job summary: ${(err as Error).message}`);
  }
}
