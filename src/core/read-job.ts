// A front door's settings as the core's job: read through the shared readers, validated once,
// frozen. Both front doors build their job here: the action from its inputs, the CLI from its
// flags, SFU_* variables and plan file.
import * as path from 'node:path';
import type { ExpectContinueMode } from '../cluster/transport.js';
import { maskSecret, type Reporter } from '../util/reporter.js';
import { SETTING, type SettingNames } from '../util/settings.js';
import { readArmSpec } from './arm-settings.js';
import { checkBlobSettingsFit, readBlobSpec } from './blob-settings.js';
import { freezeJob, type ReleaseJob } from './job.js';
import { readPackageForm } from './package-settings.js';
import { readReleaseSpec } from './release-settings.js';
import { readUploadSettings } from './upload-settings.js';
import { readVersionStamp } from './version-settings.js';

/** What only the front door knows: its CI system's federated credential, test and measurement switches. */
export interface JobContext {
  /** A federated credential for a service principal without a secret (the action: GitHub OIDC). */
  federatedToken?: () => Promise<string>;
  /** How messages name that credential ('GitHub OIDC'); undefined: the front door has none. */
  federatedCredential?: string;
  expectContinue?: ExpectContinueMode;
  /** Overrides the gateway's first-answer deadline (SFU_FIRST_ANSWER_TIMEOUT_MS, tests only). */
  firstAnswerTimeoutMs?: number;
  /** SFU_TEST_BLOB_ORIGIN and SFU_TEST_ARM_ORIGIN (tests only; loopback origins, else refused). */
  testBlobOrigin?: string;
  testArmOrigin?: string;
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
  const { federatedCredential } = context;
  maskSecret(reporter, read(SETTING.BlobSas));
  // Checked first: with a managed cluster's resource id, there is no gateway to read settings for.
  const arm = readArmSpec(read, names, { testOrigin: context.testArmOrigin, federatedCredential });
  const settings = readUploadSettings(read, names, reporter, { withoutGateway: arm !== undefined });
  const release = readReleaseSpec(read, names, reporter, context.resolve ?? (p => path.resolve(p)));
  const form = readPackageForm(read, names);
  const versions = readVersionStamp(read, names);
  const blob = readBlobSpec(read, names, reporter, { testOrigin: context.testBlobOrigin, federatedCredential });
  if (blob) checkBlobSettingsFit(release, form, settings, names);
  return freezeJob({
    cluster: {
      endpoint: settings.clusterEndpoint,
      security: { ...settings.security, federatedToken: context.federatedToken },
      timeoutSeconds: settings.timeoutSeconds,
      retries: settings.retries,
      apiVersion: settings.apiVersion,
      concurrency: settings.concurrency,
      expectContinue: context.expectContinue ?? 'first-request',
      firstAnswerTimeoutMs: context.firstAnswerTimeoutMs
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
    names,
    ...(blob ? { blob } : {}),
    ...(arm ? { arm } : {})
  });
}

/** SFU_EXPECT_CONTINUE (for measurements): always, first-request (the default) or never. */
export function expectContinueMode(value: string | undefined): ExpectContinueMode {
  if (value === 'always' || value === 'never' || value === 'first-request') return value;
  return 'first-request';
}

/** SFU_FIRST_ANSWER_TIMEOUT_MS (tests only): the first-answer deadline in milliseconds, 100 … 60000. */
export function firstAnswerTimeoutOverride(value: string | undefined): number | undefined {
  const ms = Number(value);
  return value !== undefined && /^\d+$/.test(value) && ms >= 100 && ms <= 60_000 ? ms : undefined;
}
