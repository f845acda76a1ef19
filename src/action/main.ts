// The action: a thin adapter. It reads the inputs into the core's job, runs the release, and maps
// the result to step outputs and the job summary, which are written whatever happens.
import * as core from '@actions/core';
import { runRelease, type ReleaseResult } from '../core/release.js';
import { ReleaseRecord } from '../deploy/release-record.js';
import { UploadRecord } from '../upload/upload-record.js';
import { actionsReporter } from './actions-reporter.js';
import { readReleaseJob } from './release-job.js';
import { writeJobSummary } from './job-summary.js';
import { writeReleaseOutputs } from './release-report.js';
import { writeUploadOutputs } from './run-report.js';
import type { Reporter } from '../util/reporter.js';
import { timePhases } from './timed-reporter.js';
import { writeVersionOutputs, writeVersionSummary } from './version-report.js';

export async function run(): Promise<void> {
  const cancellation = new AbortController();
  const stopListening = cancelOnSignals(cancellation);
  try {
    const timed = timePhases(actionsReporter);
    const result = await release(cancellation.signal, timed.reporter);
    if (result.error !== undefined) core.setFailed(result.error);
    writeUploadOutputs(result.upload);
    writeReleaseOutputs(result.release);
    writeVersionOutputs(result.versions);
    await writeJobSummary(result, timed.spans);
    await writeVersionSummary(result.versions);
  } finally {
    stopListening();
    if (process.env.SFU_REPORT_RESOURCE_USAGE === '1') reportResourceUsage();
  }
}

/** The release of the job the inputs describe; a bad input fails it before any request. */
async function release(signal: AbortSignal, reporter: Reporter): Promise<ReleaseResult> {
  let job;
  try {
    job = readReleaseJob();
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const upload = new UploadRecord();
    const release = new ReleaseRecord();
    upload.error = error;
    release.error = error;
    return { upload, release, error };
  }
  return runRelease(job, reporter, signal);
}

/**
 * The runner cancels a job with SIGINT, then SIGTERM: stop sending, delete open sessions, write
 * no more mark files, and exit within a few seconds whatever happens. A second signal exits at once.
 */
function cancelOnSignals(cancellation: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (cancellation.signal.aborted) {
      core.error(`Received ${signal} again: exiting now.`);
      process.exit(1);
    }
    core.warning(`Received ${signal}: cancelling the upload.`);
    cancellation.abort();
    setTimeout(() => {
      core.error('The cancelled upload did not stop within 10 s: exiting now.');
      process.exit(1);
    }, 10_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** For the benchmark and the memory tests: peak resident memory of this process, in KiB. */
function reportResourceUsage(): void {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 1024 / 1024);
  console.log(
    `ACTION_RESOURCE_USAGE maxRSS=${process.resourceUsage().maxRSS} now: rss=${mib(m.rss)}MiB heapTotal=${mib(m.heapTotal)}MiB heapUsed=${mib(m.heapUsed)}MiB external=${mib(m.external)}MiB arrayBuffers=${mib(m.arrayBuffers)}MiB`
  );
}
