// The job summary as one string, from what the step found out: the outcome in one line, then the
// release, the upload (only rows that say something), the failures, and a timeline. Pure: no I/O.
// Every text that comes from the cluster or the user goes through escapeHtml (tables, lists and
// paragraphs are HTML blocks) or mermaidText (the chart).
import { formatBytes } from './inputs.js';
import { escapeHtml } from './summary-escape.js';
import { renderTimeline, type TimedSpan, type TimelineSection } from './summary-timeline.js';

export interface UploadFacts {
  endpoint?: string;
  imageStorePath?: string;
  dryRun: boolean;
  /** overwrite: skip found a complete upload. */
  skipped: boolean;
  /** Why nothing was uploaded although the run went on (the version is already provisioned). */
  notNeeded?: string;
  /** The upload (with copy and cleanup) succeeded: a later failure is the release's. */
  completed: boolean;
  fileCount?: number;
  folderCount?: number;
  chunkedFileCount?: number;
  totalBytes?: number;
  storeSizeBytes?: number;
  staleCount?: number;
  /** The upload phase's own duration. */
  uploadSeconds?: number;
  throughput?: number;
  requestsSent?: number;
  copiedTo?: string;
  /** With compress: bytes of the compressed copy, which is what was uploaded. */
  compressedBytes?: number;
  /** With diff-package: packages left out because the cluster holds them. */
  skippedPackageCount?: number;
  /** With Blob storage: the .sfpkg's URL without its SAS, and whether it was uploaded or reused. */
  packageUrl?: string;
  blobResult?: 'uploaded' | 'reused';
}

export interface ReleaseFacts {
  typeName?: string;
  typeVersion?: string;
  applicationName?: string;
  provisionResult?: 'provisioned' | 'already-provisioned';
  applicationResult?: 'created' | 'upgraded' | 'unchanged';
  previousVersion?: string;
  upgradeMode?: string;
  failureAction?: string;
  upgradeState?: string;
  /** The release went through to its end (false in a dry run, or when it failed). */
  done: boolean;
  domains: { name: string; startedAt?: number; completedAt?: number }[];
  /** The cluster's unhealthy evaluations, in its words, when the upgrade failed. */
  healthEvaluations: string[];
  failedDomain?: string;
  packageDeleted?: boolean;
  unprovisioned: string[];
  keptVersions: string[];
  durationSeconds?: number;
}

export interface StepFacts {
  upload: UploadFacts;
  /** Present when a release (more than the upload) was asked for. */
  release?: ReleaseFacts;
  /** The step's failure: its first line is the message, further lines the single failures. */
  error?: string;
  /** The step's phases in the order they started (the release's included). */
  phases: TimedSpan[];
  endedAt: number;
}

export function renderSummary(facts: StepFacts): string {
  const title = facts.release ? 'Service Fabric release' : 'Service Fabric package upload';
  const blocks = [`<h2>${title}</h2>`, `<p>${outcomeLine(facts)}</p>`];
  if (facts.release) blocks.push(...releaseSection(facts.release, facts.error !== undefined));
  blocks.push(...uploadSection(facts.upload, facts.error !== undefined && !facts.upload.completed));
  blocks.push(...failureSection(facts.error));
  const timeline = renderTimeline(timelineSections(facts), facts.endedAt);
  if (timeline !== '') blocks.push('<h3>Timeline</h3>', timeline);
  return `${blocks.join('\n\n')}\n`;
}

/** The phase the step failed in (the innermost, last one marked failed), if it failed in one. */
export function failedPhase(phases: TimedSpan[]): string | undefined {
  return [...phases].reverse().find(p => p.failed)?.name;
}

function outcomeLine(facts: StepFacts): string {
  const { release, upload, error } = facts;
  const e = escapeHtml;
  const app = release?.applicationName;
  const version = release?.typeVersion;
  if (error !== undefined) {
    if (release?.upgradeState?.startsWith('RollingBack') && app !== undefined) {
      const where = release.failedDomain ? ` in upgrade domain ${e(release.failedDomain)}` : '';
      const back = release.upgradeState === 'RollingBackCompleted' ? 'was rolled back' : 'is rolling back';
      return `↩️ <strong>Rolled back</strong>: the upgrade of ${e(app)} to ${e(version ?? '?')} failed${where} and ${back}; it runs ${e(release.previousVersion ?? 'its previous version')} again.`;
    }
    const phase = failedPhase(facts.phases);
    const firstLine = error.split('\n')[0] ?? '';
    return `❌ <strong>${upload.dryRun ? 'Dry run failed' : 'Failed'}</strong>${phase ? ` at <em>${e(phase)}</em>` : ''}: ${e(firstLine)}`;
  }
  if (release !== undefined) {
    const type = `${e(release.typeName ?? '?')} ${e(version ?? '?')}`;
    if (!release.done) return `ℹ️ <strong>Dry run</strong>: ${type}: planned, not deployed (dry run); nothing was changed.`;
    if (release.provisionResult === 'already-provisioned' && (app === undefined || release.applicationResult === 'unchanged')) {
      return `✅ <strong>Already released</strong>: ${type} is provisioned${app ? ` and ${e(app)} runs it` : ''}; nothing was uploaded or changed.`;
    }
    if (release.applicationResult === 'created') return `✅ <strong>Released</strong>: ${e(app ?? '?')} created with ${type}.`;
    if (release.applicationResult === 'upgraded') {
      return `✅ <strong>Released</strong>: ${e(app ?? '?')} upgraded from ${e(release.previousVersion ?? '?')} to ${e(version ?? '?')}.`;
    }
    if (release.applicationResult === 'unchanged') return `✅ <strong>Released</strong>: ${type} provisioned; ${e(app ?? '?')} runs it already.`;
    return `✅ <strong>Released</strong>: ${type} provisioned.`;
  }
  const stale = upload.staleCount ? ` ⚠️ It holds ${upload.staleCount} file(s) or folder(s) the package does not have (see the warning).` : '';
  const where = `'${e(upload.imageStorePath ?? '?')}'`;
  if (upload.dryRun) {
    return `ℹ️ Dry run: nothing was changed in the Image Store; a real run would ${upload.skipped ? `skip the upload (a complete upload is at ${where})` : `upload to ${where}`}.${stale}`;
  }
  if (upload.skipped) return `⏭️ Skipped: a complete upload is already at ${where}.${stale}`;
  return `${upload.staleCount ? '⚠️' : '✅'} Uploaded to ${where}.${stale}`;
}

/** A two-column table of the rows that say something, or '' when none does. */
function table(rows: [string, string | undefined][]): string {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  if (shown.length === 0) return '';
  const body = shown.map(([label, value]) => `<tr><td>${label}</td><td>${value}</td></tr>`).join('');
  return `<table><tr><th>What</th><th>Value</th></tr>${body}</table>`;
}

function list(items: string[]): string {
  return `<ul>${items.map(item => `<li>${item}</li>`).join('')}</ul>`;
}

function releaseSection(r: ReleaseFacts, failed: boolean): string[] {
  const e = escapeHtml;
  const kind =
    r.applicationResult === 'created'
      ? 'new application'
      : r.applicationResult === 'upgraded' || (r.previousVersion !== undefined && r.applicationResult === undefined)
        ? `${r.upgradeMode ?? 'Monitored'} upgrade${r.upgradeMode !== 'UnmonitoredAuto' && r.failureAction ? `, failure action ${e(r.failureAction)}` : ''}`
        : r.applicationResult === 'unchanged'
          ? 'no change (same version and parameters)'
          : r.applicationName === undefined
            ? 'provision only'
            : undefined;
  const seen = r.domains.filter(d => d.startedAt !== undefined).map(d => e(d.name));
  const old =
    r.unprovisioned.length > 0 || r.keptVersions.length > 0
      ? `${r.unprovisioned.map(e).join(', ') || 'none'}${r.keptVersions.length > 0 ? ` (kept, in use: ${r.keptVersions.map(e).join(', ')})` : ''}`
      : undefined;
  const blocks = [
    '<h3>Release</h3>',
    table([
      ['Application', r.applicationName === undefined ? undefined : e(r.applicationName)],
      ['Application type', r.typeName === undefined ? undefined : e(r.typeName)],
      ['Version', r.typeVersion === undefined ? undefined : e(r.typeVersion)],
      ['Previous version', r.previousVersion === undefined ? undefined : e(r.previousVersion)],
      ['Release type', kind],
      ['Provision', r.provisionResult === 'already-provisioned' ? 'already provisioned (nothing uploaded)' : r.provisionResult],
      ['Result', r.applicationResult],
      ['Upgrade state', r.upgradeState === undefined ? undefined : e(r.upgradeState)],
      ['Upgrade domains seen', seen.length > 0 ? `${seen.join(', ')}${r.failedDomain ? ` (failed in ${e(r.failedDomain)})` : ''}` : undefined],
      ['Package in the Image Store', r.packageDeleted === undefined ? undefined : r.packageDeleted ? 'removed after provisioning' : 'kept'],
      ['Old versions unprovisioned', old],
      ['Release duration', r.durationSeconds === undefined ? undefined : `${r.durationSeconds.toFixed(1)} s`]
    ])
  ];
  if (failed && r.healthEvaluations.length > 0) blocks.push('<h4>Health evaluations</h4>', list(r.healthEvaluations.map(e)));
  if (r.domains.length > 0) {
    const time = (ms: number | undefined) => (ms === undefined ? '—' : `${new Date(ms).toISOString().slice(11, 19)} UTC`);
    const rows = r.domains.map(d => {
      const took = d.startedAt !== undefined && d.completedAt !== undefined ? `${((d.completedAt - d.startedAt) / 1000).toFixed(1)} s` : '—';
      return `<tr><td>${e(d.name)}</td><td>${time(d.startedAt)}</td><td>${time(d.completedAt)}</td><td>${took}</td></tr>`;
    });
    blocks.push('<h4>Upgrade domains</h4>', `<table><tr><th>Domain</th><th>Started</th><th>Completed</th><th>Duration</th></tr>${rows.join('')}</table>`);
  }
  return blocks;
}

function uploadSection(u: UploadFacts, failed: boolean): string[] {
  const e = escapeHtml;
  const heading = '<h3>Upload</h3>';
  if (u.notNeeded !== undefined) return [heading, `<p>⏭️ Not uploaded: ${e(u.notNeeded)}.</p>`];
  const bytes = (n: number | undefined) => (n === undefined ? undefined : `${formatBytes(n)} (${n} bytes)`);
  const status = failed
    ? `❌ ${u.dryRun ? 'Dry run' : 'Upload'} failed: see the failures below.`
    : u.dryRun
      ? undefined
      : u.skipped
        ? `⏭️ Skipped: a complete upload is already at '${e(u.imageStorePath ?? '?')}'.`
        : `${u.staleCount ? '⚠️' : '✅'} Uploaded to '${e(u.imageStorePath ?? '?')}'.`;
  const blocks = [heading];
  if (status !== undefined) blocks.push(`<p>${status}</p>`);
  blocks.push(
    table([
      ['Destination', u.imageStorePath === undefined ? undefined : e(u.imageStorePath)],
      ['Cluster', u.endpoint === undefined ? undefined : e(u.endpoint)],
      [u.dryRun ? 'Files to upload' : 'Files uploaded', u.skipped ? undefined : u.fileCount?.toString()],
      [u.dryRun ? 'Folders (mark files) to write' : 'Folders (mark files)', u.skipped ? undefined : u.folderCount?.toString()],
      ['Chunked files', u.chunkedFileCount ? u.chunkedFileCount.toString() : undefined],
      ['Left over in the destination', u.staleCount ? u.staleCount.toString() : undefined],
      ['Package size', bytes(u.totalBytes)],
      ['Compressed copy uploaded', bytes(u.compressedBytes)],
      ['Packages left out (the cluster holds them)', u.skippedPackageCount ? u.skippedPackageCount.toString() : undefined],
      ['Store size', bytes(u.storeSizeBytes)],
      ['Upload duration', u.uploadSeconds ? `${u.uploadSeconds.toFixed(1)} s` : undefined],
      ['Throughput', u.throughput === undefined ? undefined : `${formatBytes(u.throughput)}/s`],
      ['Requests', u.requestsSent ? u.requestsSent.toString() : undefined],
      ['Copied to', u.copiedTo === undefined ? undefined : e(u.copiedTo)],
      ['Package in Blob storage', u.packageUrl === undefined ? undefined : `${e(u.packageUrl)}${u.blobResult ? ` (${u.blobResult})` : ''}`]
    ])
  );
  return blocks.filter(b => b !== '');
}

function failureSection(error: string | undefined): string[] {
  if (error === undefined) return [];
  const [first = '', ...more] = error.split('\n');
  const items = more.map(l => l.replace(/^\s*-\s*/, '')).filter(l => l.trim() !== '');
  return ['<h3>Failures</h3>', `<p>${escapeHtml(first)}</p>`, ...(items.length > 0 ? [list(items.map(i => escapeHtml(i)))] : [])];
}

function timelineSections(facts: StepFacts): TimelineSection[] {
  const domains: TimedSpan[] = (facts.release?.domains ?? [])
    .filter((d): d is typeof d & { startedAt: number } => d.startedAt !== undefined)
    .map(d => ({ name: d.name, startedAt: d.startedAt, endedAt: d.completedAt, failed: d.name === facts.release?.failedDomain && facts.error !== undefined }));
  return [
    { name: 'Step', spans: facts.phases },
    { name: 'Upgrade domains', spans: domains }
  ];
}
