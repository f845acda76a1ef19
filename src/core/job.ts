// The typed descriptions of one release, built once and frozen by a front door (the action from its
// inputs, a CLI from its flags); the core reads nothing else. Each part is defined beside the code
// that reads it, so the arrows point down.
import type { ClusterTarget } from '../cluster/cluster-target.js';
import type { PackageSource } from '../package/package-source.js';
import type { UploadSpec } from '../upload/upload-spec.js';
import type { ReleaseSpec } from '../deploy/release-spec.js';
import type { SettingNames } from '../util/settings.js';
import type { BlobSpec } from '../azure/blob-spec.js';
import type { ArmSpec } from '../azure/arm-target.js';

export type { ClusterTarget, SecuritySettings } from '../cluster/cluster-target.js';
export type { PackageSource } from '../package/package-source.js';
export { OVERWRITE_MODES, type OverwriteMode, type UploadSpec } from '../upload/upload-spec.js';
export {
  FAILURE_ACTIONS,
  UPGRADE_MODES,
  type FailureAction,
  type ReleaseSpec,
  type UpgradeMode,
  wantsApplication,
  wantsRelease
} from '../deploy/release-spec.js';

/** One application's release: what the core's runRelease takes, one per call. */
export interface ReleaseJob {
  readonly cluster: ClusterTarget;
  readonly source: PackageSource;
  readonly upload: UploadSpec;
  readonly release: Readonly<ReleaseSpec>;
  /** How the front door names its settings, for the errors that blame one. */
  readonly names: SettingNames;
  /** Provision from an `.sfpkg` in Blob storage (ExternalStore) instead of the Image Store; undefined: the Image Store. */
  readonly blob?: Readonly<BlobSpec>;
  /** Release through ARM to this managed cluster (with `blob`), instead of the gateway; undefined: the gateway. */
  readonly arm?: Readonly<ArmSpec>;
}

/** Freezes a job and its descriptions (not the arrays inside, which the core only reads). */
export function freezeJob(job: ReleaseJob): ReleaseJob {
  for (const part of [job.cluster, job.cluster.security, job.source, job.upload, job.release, job.names]) Object.freeze(part);
  return Object.freeze(job);
}
