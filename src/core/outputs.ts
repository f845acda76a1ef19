// What one release did, as named values: the action's step outputs, and the keys of the CLI's JSON
// result. One mapping, so both front doors report the same names and the same values.
import type { ReleaseRecord } from '../deploy/release-record.js';
import { changedPackages } from '../package/changed-packages.js';
import type { UploadRecord } from '../upload/upload-record.js';
import type { VersionStampRecord } from './version-stamp-step.js';

export const Output = {
  ImageStorePath: 'image-store-path',
  FileCount: 'file-count',
  FolderCount: 'folder-count',
  ChunkedFileCount: 'chunked-file-count',
  TotalBytes: 'total-bytes',
  StoreSizeBytes: 'store-size-bytes',
  DurationSeconds: 'duration-seconds',
  ThroughputBytesPerSecond: 'throughput-bytes-per-second',
  CopiedTo: 'copied-to',
  StaleFileCount: 'stale-file-count',
  CompressedBytes: 'compressed-bytes',
  SkippedPackageCount: 'skipped-package-count',
  PackageUrl: 'package-url',
  BlobResult: 'blob-result'
} as const;

export const ReleaseOutput = {
  ApplicationTypeName: 'application-type-name',
  ApplicationTypeVersion: 'application-type-version',
  ProvisionResult: 'provision-result',
  ApplicationResult: 'application-result',
  PreviousApplicationTypeVersion: 'previous-application-type-version',
  UpgradeState: 'upgrade-state',
  DeployDurationSeconds: 'deploy-duration-seconds'
} as const;

export const VersionOutput = {
  ChangedPackages: 'changed-packages'
} as const;

function defined(values: Record<string, string | number | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => [k, String(v)])
  );
}

/** The upload's values, by output name; a value not known is left out. */
export function uploadOutputs(r: UploadRecord): Record<string, string> {
  return defined({
    [Output.ImageStorePath]: r.imageStorePath,
    [Output.FileCount]: r.fileCount,
    [Output.FolderCount]: r.folderCount,
    [Output.ChunkedFileCount]: r.chunkedFileCount,
    [Output.TotalBytes]: r.totalBytes,
    [Output.StoreSizeBytes]: r.storeSizeBytes,
    [Output.DurationSeconds]: r.durationSeconds.toFixed(3),
    [Output.ThroughputBytesPerSecond]: r.throughput,
    [Output.CopiedTo]: r.copiedTo,
    [Output.StaleFileCount]: r.staleCount,
    [Output.CompressedBytes]: r.compressedBytes,
    [Output.SkippedPackageCount]: r.skippedPackageCount,
    [Output.PackageUrl]: r.packageUrl,
    [Output.BlobResult]: r.blobResult
  });
}

/** The release's values, by output name; a value not known is left out. */
export function releaseOutputs(r: ReleaseRecord): Record<string, string> {
  const duration = r.durationSeconds;
  return defined({
    [ReleaseOutput.ApplicationTypeName]: r.typeName,
    [ReleaseOutput.ApplicationTypeVersion]: r.typeVersion,
    [ReleaseOutput.ProvisionResult]: r.provisionResult,
    [ReleaseOutput.ApplicationResult]: r.applicationResult,
    [ReleaseOutput.PreviousApplicationTypeVersion]: r.previousVersion,
    [ReleaseOutput.UpgradeState]: r.upgradeState,
    [ReleaseOutput.DeployDurationSeconds]: duration === undefined ? undefined : duration.toFixed(3)
  });
}

/**
 * With `version-stamp: content`, once the stamped versions were compared with the cluster: the
 * packages that changed, as JSON text (`[{"service","package","kind","version"}]`); else nothing.
 */
export function versionOutputs(r: VersionStampRecord | undefined): Record<string, string> {
  if (!r?.running) return {};
  return { [VersionOutput.ChangedPackages]: JSON.stringify(changedPackages(r.rows, r.running)) };
}
