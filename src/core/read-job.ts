// A front door's settings as the core's job: read through the shared readers, validated once,
// frozen. The CLI reads its flags and environment variables through it; the action assembles the
// same job from the same readers, plus its Blob staging inputs (src/action/release-job.ts).
import * as path from 'node:path';
import type { ExpectContinueMode } from '../cluster/transport.js';
import type { Reporter } from '../util/reporter.js';
import type { SettingNames } from '../util/settings.js';
import { freezeJob, type ReleaseJob } from './job.js';
import { readPackageForm } from './package-settings.js';
import { readReleaseSpec } from './release-settings.js';
import { readUploadSettings } from './upload-settings.js';
import { readVersionStamp } from './version-settings.js';

/** What only the front door knows: its CI system's federated credential, measurement switches. */
export interface JobContext {
  /** A federated credential for a service principal without a secret (the action: GitHub OIDC). */
  federatedToken?: () => Promise<string>;
  expectContinue?: ExpectContinueMode;
  /** Makes a local path absolute (default: against the working directory). */
  resolve?: (p: string) => string;
}

/**
 * Reads every setting by canonical name through `read` ('' when unset) and builds the job; errors
 * name settings by `names`; secrets are masked through `reporter` before anything else.
 */
export function readReleaseJob(
  read: (name: string) => string,
  names: SettingNames,
  reporter: Pick<Reporter, 'setSecret' | 'info'>,
  context: JobContext = {}
): ReleaseJob {
  const settings = readUploadSettings(read, names, reporter);
  const release = readReleaseSpec(read, names, reporter, context.resolve ?? (p => path.resolve(p)));
  const form = readPackageForm(read, names);
  const versions = readVersionStamp(read, names);
  return freezeJob({
    cluster: {
      endpoint: settings.clusterEndpoint,
      security: { ...settings.security, federatedToken: context.federatedToken },
      timeoutSeconds: settings.timeoutSeconds,
      retries: settings.retries,
      apiVersion: settings.apiVersion,
      concurrency: settings.concurrency,
      expectContinue: context.expectContinue ?? 'first-request'
    },
    source: { path: settings.packagePath, include: settings.include, compress: form.compress, diffPackage: form.diffPackage, ...versions },
    upload: {
      imageStorePath: settings.imageStorePath,
      overwrite: settings.overwrite,
      chunkSize: settings.chunkSize,
      concurrency: settings.concurrency,
      copyTo: settings.copyTo,
      cleanupPaths: settings.cleanupPaths,
      dryRun: settings.dryRun
    },
    release,
    names
  });
}

/** SFU_EXPECT_CONTINUE (for measurements): always, first-request (the default) or never. */
export function expectContinueMode(value: string | undefined): ExpectContinueMode {
  if (value === 'always' || value === 'never' || value === 'first-request') return value;
  return 'first-request';
}
