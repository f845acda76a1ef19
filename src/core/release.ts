// The release engine: one application package, from the local folder to a running application.
// Scan, validate, plan, connect, upload (or plan the upload), provision, create or upgrade, wait.
// It reads only the job a front door built, reports through the reporter it is given, and returns
// what happened: it holds no state between calls, so releasing several applications is a loop.
import { type ClusterConnection, connectToCluster } from '../cluster/connect.js';
import { readClientCertificate } from '../cluster/auth/client-certificate.js';
import { CancelledError } from '../cluster/errors.js';
import { checkBeforeWriting, deployRelease, planRelease, recordIdentityForOutputs } from '../deploy/deploy.js';
import { ReleaseRecord } from '../deploy/release-record.js';
import { scanPackage } from '../package/package-scan.js';
import { PackageValidationError } from '../package/validate-package.js';
import { type PackageToUpload, preparePackageToUpload, validatePackageStep } from '../package/prepare-upload.js';
import { UploadRecord } from '../upload/upload-record.js';
import { formatBytes } from '../util/format-bytes.js';
import type { Reporter } from '../util/reporter.js';
import { SettingError } from '../util/settings.js';
import type { ReleaseJob } from './job.js';
import { inspectForUpload, planUpload, uploadPackage } from './upload-package.js';
import { sameVersionHint, type VersionStampRecord, VersionStamping } from './version-stamp-step.js';
import { clusterLoginHost, confirmProvisionedPackage, stageInBlobStorage } from './blob-staging.js';
import type { BlobSpec } from '../azure/blob-spec.js';
import { clusterBlobScope } from '../azure/blob-location.js';
import { releaseToManagedCluster } from './arm-release-step.js';
import { withDefaultDestination } from './default-destination.js';
import type { DestinationLease } from '../upload/destination-lease.js';

/** What one release did, success or not: the front door maps it to its outputs and summary. */
export interface ReleaseResult {
  /** What was (or, in a dry run, would be) uploaded, verified, copied, left over. */
  upload: UploadRecord;
  /** What was provisioned, created or upgraded, and the timeline of the upgrade domains. */
  release: ReleaseRecord;
  /** The failure as a sentence (with one line per failed file below it); undefined on success. */
  error?: string;
  /** True when it failed on a setting or on the package itself, before any request was sent. */
  badInput?: boolean;
  /** With `version-stamp: content`: the stamped versions, and what they were compared with. */
  versions?: VersionStampRecord;
}

export async function runRelease(job: ReleaseJob, reporter: Reporter, signal: AbortSignal): Promise<ReleaseResult> {
  const upload = new UploadRecord();
  const release = new ReleaseRecord();
  upload.endpoint = job.arm ? `${job.arm.endpoint}${job.arm.cluster.id}` : job.cluster.endpoint;
  upload.imageStorePath = job.arm || job.blob ? undefined : job.upload.imageStorePath || undefined;
  upload.overwrite = job.upload.overwrite;
  let connection: ClusterConnection | undefined;
  let toUpload: PackageToUpload | undefined;
  let badInput = false;
  let stamping: VersionStamping | undefined;
  let disposeBlobStaging: (() => void) | undefined;
  let lease: DestinationLease | undefined;
  // What a cancellation stops depends on where the release is: the upload, or a wait for the cluster.
  const onCancel = () =>
    reporter.warning(
      `Received ${typeof signal.reason === 'string' ? signal.reason : 'a cancellation'}: cancelling ${job.arm ? 'the wait for ARM (what ARM started goes on in the cluster)' : release.cancelling()}.`
    );
  signal.addEventListener('abort', onCancel, { once: true });
  // Once, whichever comes first: when the provisioned package is no longer needed, or when the run ends.
  const releaseLease = async () => {
    const held = lease;
    lease = undefined;
    await held
      ?.release()
      .catch(err =>
        reporter.warning(
          `Could not delete this run's lease '${held.markerPath}': ${err instanceof Error ? err.message : String(err)}. Delete it, or other runs to that destination stop for 6 hours.`
        )
      );
  };
  try {
    await releaseSteps(job, reporter, signal, upload, release, {
      connected: c => (connection = c),
      preparing: p => (toUpload = p),
      stamped: s => (stamping = s),
      staged: dispose => (disposeBlobStaging = dispose),
      leased: l => (lease = l),
      releaseLease
    });
  } catch (err) {
    badInput = connection === undefined && (err instanceof SettingError || err instanceof PackageValidationError);
    // Through ARM, the client's own sentences say what goes on in the cluster.
    const error = release.failureMessage(err, signal.aborted) ?? (job.arm && err instanceof Error ? err.message : describeFailure(err, signal, upload));
    release.error = error;
    upload.error = error;
    await recordIdentityForOutputs(job.source.path, release);
  } finally {
    signal.removeEventListener('abort', onCancel);
    // Held until the provision is done too, so that no other run replaces the package under it.
    await releaseLease();
    connection?.dispose();
    disposeBlobStaging?.();
    if (toUpload) {
      upload.skippedPackageCount = toUpload.skippedPackageCount;
      upload.compressedBytes = toUpload.compressedBytes;
      await toUpload.dispose().catch(err => reporter.warning(`Could not delete the compressed copy: ${err instanceof Error ? err.message : String(err)}`));
    }
    await stamping?.dispose().catch(err => reporter.warning(`Could not delete the stamped manifests: ${err instanceof Error ? err.message : String(err)}`));
  }
  release.end();
  return { upload, release, error: upload.error, versions: stamping?.record, ...(badInput ? { badInput } : {}) };
}

/** The steps, in order; a failure anywhere throws and runRelease describes it. */
async function releaseSteps(
  job: ReleaseJob,
  reporter: Reporter,
  signal: AbortSignal,
  upload: UploadRecord,
  release: ReleaseRecord,
  hold: {
    connected(c: ClusterConnection): void;
    preparing(p: PackageToUpload): void;
    staged(dispose: () => void): void;
    leased(l: DestinationLease): void;
    stamped(s: VersionStamping): void;
    /** Releases the lease on the destination, if any (never rejects). */
    releaseLease(): Promise<void>;
  }
): Promise<void> {
  const { names } = job;
  const clientCertificate = await readClientCertificate(job.cluster.security, { reporter, names });

  const scanned = await reporter.group('Scan the package', async () => {
    const scanned = await scanPackage(job.source.path, [...job.source.include], { names, reporter });
    const chunkSize = job.upload.chunkSize;
    const chunked = scanned.files.filter(f => f.size > chunkSize).length;
    reporter.info(
      `${scanned.files.length} files in ${scanned.folders.length} folders, ${formatBytes(scanned.totalBytes)}; ${chunked} larger than ${names.ChunkSize} (${formatBytes(chunkSize)}) go in chunks.`
    );
    for (const pattern of scanned.unmatchedPatterns) {
      reporter.warning(`The '${names.Include}' pattern '${pattern}' matches nothing in '${names.PackagePath}': check it for a typo, or remove it.`);
    }
    if (scanned.ignoredMarkFiles > 0) {
      reporter.info(`${scanned.ignoredMarkFiles} '_.dir' file(s) in the package are not uploaded: the action writes every mark file itself, last.`);
    }
    return scanned;
  });
  upload.totalBytes = scanned.totalBytes;
  // Offline validation, before the first request.
  const validated = await validatePackageStep(scanned, job.source, reporter, names);
  // Versions that follow the content: stamped in a temporary copy of the manifests, before the first request.
  const stamping = await VersionStamping.start(scanned, validated, job.source, job.release.publishProfile, reporter, names);
  if (stamping) hold.stamped(stamping);
  const pkg = stamping?.pkg ?? scanned;
  const validation = stamping?.validation ?? validated;
  upload.totalBytes = pkg.totalBytes; // the stamped manifests' sizes
  const destination = withDefaultDestination(job.upload, validation.layout.applicationManifest!, names);
  const uploadSpec = destination.spec;
  const route = job.arm ? 'arm' : job.blob ? 'blob-storage' : 'image-store';
  if (destination.note !== undefined && route === 'image-store') reporter.info(destination.note);
  // The Blob and ARM paths write nothing to the Image Store: no destination to report.
  upload.imageStorePath = route === 'image-store' ? uploadSpec.imageStorePath : undefined;
  const context = { reporter, names };
  const plan = await planRelease(pkg.root, uploadSpec.imageStorePath, job.release, release, context, route);
  // The publish profile's CopyPackageParameters CompressPackage turns compression on too.
  const form = { compress: job.source.compress || plan?.compressPackage === true, diffPackage: job.source.diffPackage, versionStamped: stamping !== undefined };

  if (job.arm) {
    // A managed cluster through ARM: no gateway connection; the package goes through Blob storage.
    const hooks = { preparing: (p: PackageToUpload) => hold.preparing(p), staged: (d: () => void) => hold.staged(d) };
    await releaseToManagedCluster({ job, arm: job.arm, plan, pkg, validation, form, upload, release, clientCertificate, reporter, signal, hooks });
    return;
  }
  const connection = connectToCluster(job.cluster, clientCertificate, { signal, reporter, names });
  hold.connected(connection);
  const { security } = job.cluster;
  if (security.aadToken !== undefined || security.azureClientId !== undefined) {
    await reporter.group('Authenticate with Azure AD', () => connection.authenticate());
  }
  const step = { client: connection.client, spec: uploadSpec, record: upload, reporter, names, signal, onLease: (l: DestinationLease) => hold.leased(l) };
  // The destination's first (read-only) listing goes beside the reads of the checks below, when a
  // release will most likely upload (a type provisioned already makes it a read for nothing).
  const inspectedAt = Date.now();
  let inspection = plan && !job.blob && !job.upload.dryRun ? inspectForUpload(step) : undefined;
  // Is it provisioned already? Refuses another type, a downgrade, parameters silently reset, before any write.
  await checkBeforeWriting(plan, connection.management, release, context);
  // A check that waited (for another run's provision, say) leaves that listing old: the upload lists again.
  if (Date.now() - inspectedAt > FRESH_INSPECTION_MS) inspection = undefined;
  if (stamping) await stamping.compareWithCluster(connection.management, plan?.application?.name, reporter);
  else if (plan?.alreadyProvisioned) reporter.warning(sameVersionHint(plan.typeName, plan.typeVersion, names));

  if (job.blob && plan) {
    // ExternalStore: the cluster downloads an .sfpkg from Blob storage; nothing goes to the Image Store.
    upload.uploadNotNeeded = plan.alreadyProvisioned
      ? `application type ${plan.typeName} ${plan.typeVersion} is already provisioned with the same manifests`
      : `the package goes to the cluster as an .sfpkg from Blob storage (${job.blob.location.containerUrl})${job.upload.dryRun ? '; dry run: nothing was uploaded' : ''}`;
    if (job.upload.dryRun) return;
    const toUpload = await preparePackageToUpload(pkg, validation, form, connection.management, reporter, names);
    hold.preparing(toUpload);
    const context = {
      cluster: job.cluster,
      loginHost: (b: BlobSpec) => clusterLoginHost(connection.client, b),
      record: upload,
      reporter,
      names,
      signal,
      // The cluster keeps no record of the package: its blobs go in a folder of their own in a shared container.
      clusterScope: clusterBlobScope(job.cluster.endpoint)
    };
    // A provisioned version never changes: its .sfpkg is compared with the blob, never staged again.
    if (plan.alreadyProvisioned) await confirmProvisionedPackage(job.blob, plan, toUpload.pkg, context, undefined);
    else hold.staged(await stageInBlobStorage(job.blob, plan, toUpload.pkg, context));
  } else if (plan?.alreadyProvisioned && !job.upload.dryRun) {
    // An identical type+version already provisioned needs no upload, nor a diff or a compressed copy.
    upload.uploadNotNeeded = `application type ${plan.typeName} ${plan.typeVersion} is already provisioned with the same manifests`;
  } else {
    // What is uploaded: the package, its diff against the cluster, or its compressed copy.
    const toUpload = await preparePackageToUpload(pkg, validation, form, connection.management, reporter, names);
    hold.preparing(toUpload);
    if (job.upload.dryRun) {
      await toUpload.complete;
      await planUpload(step, toUpload.pkg);
      return;
    }
    await uploadPackage(step, toUpload.pkg, inspection);
    await toUpload.complete;
    upload.uploadCompleted = true;
  }
  // The provisioned package needs the lease no more once removed (or kept): it is released beside the create or upgrade.
  await deployRelease(plan, connection, release, context, { packageDone: () => hold.releaseLease() });
}

/** How old the destination's early listing may be when the upload starts; older, it is taken again. */
const FRESH_INSPECTION_MS = 5000;

function describeFailure(err: unknown, signal: AbortSignal, upload: UploadRecord): string {
  if (err instanceof CancelledError || signal.aborted) {
    return upload.rootMarked
      ? `The run was cancelled after '${upload.imageStorePath}' was complete and verified: ${unfinishedAfterRootMark(upload)}no more requests were sent. Run it again to finish the copy and the cleanup.`
      : `The upload was cancelled: no more requests were sent, the upload sessions it opened were deleted, and the package root's mark file was not written, so '${upload.imageStorePath ?? 'the destination'}' is incomplete. Run the upload again.`;
  }
  return err instanceof Error ? err.message : String(err);
}

function unfinishedAfterRootMark(upload: UploadRecord): string {
  return upload.copiedTo === undefined ? 'the copy (if any) and the cleanup did not finish; ' : 'the cleanup did not finish; ';
}
