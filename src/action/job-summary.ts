// Writes the job summary once, at the end of the step, from both reports; never fatal.
import * as core from '@actions/core';
import type { ReleaseReport } from './release-report.js';
import type { RunReport } from './run-report.js';
import { renderSummary, type StepFacts } from './summary-markdown.js';

export function stepFacts(report: RunReport, releaseReport: ReleaseReport, endedAt = Date.now()): StepFacts {
  return {
    upload: report.summaryFacts(),
    release: releaseReport.summaryFacts(),
    error: report.error,
    phases: [...report.phases, ...releaseReport.phaseSpans()].sort((a, b) => a.startedAt - b.startedAt),
    endedAt
  };
}

export async function writeJobSummary(report: RunReport, releaseReport: ReleaseReport): Promise<void> {
  try {
    await core.summary.addRaw(renderSummary(stepFacts(report, releaseReport)), true).write();
  } catch (err) {
    core.warning(`Could not write the job summary: ${(err as Error).message}`);
  }
}
