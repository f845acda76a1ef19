// The action's inputs as the core's job: read and validated once, then frozen.
import * as core from '@actions/core';
import type { ExpectContinueMode } from '../cluster/transport.js';
import { freezeJob, type ReleaseJob } from '../core/job.js';
import { getDeployInputs } from './deploy-inputs.js';
import { githubOidcToken } from './github-oidc.js';
import { ACTION_SETTING_NAMES, getInputs } from './inputs.js';
import { getPackageInputs } from './package-inputs.js';
import { getVersionStampInputs } from './version-inputs.js';
import { checkBlobInputsFit, getBlobInputs } from './blob-inputs.js';
import { getArmInputs } from './arm-inputs.js';

export { ACTION_SETTING_NAMES } from './inputs.js';

export function readReleaseJob(read: (name: string) => string = name => core.getInput(name), env: NodeJS.ProcessEnv = process.env): ReleaseJob {
  // Checked first: with a managed cluster's resource id, there is no gateway to read settings for.
  const arm = getArmInputs(read, env);
  const inputs = getInputs(read, { withoutGateway: arm !== undefined });
  const release = getDeployInputs(read);
  const form = getPackageInputs(read);
  const versions = getVersionStampInputs(read);
  const blob = getBlobInputs(read, env);
  if (blob) checkBlobInputsFit(release, form, inputs);
  return freezeJob({
    cluster: {
      endpoint: inputs.clusterEndpoint,
      security: { ...inputs.security, federatedToken: githubOidcToken },
      timeoutSeconds: inputs.timeoutSeconds,
      retries: inputs.retries,
      apiVersion: inputs.apiVersion,
      concurrency: inputs.concurrency,
      expectContinue: expectContinueMode(env.SFU_EXPECT_CONTINUE),
      firstAnswerTimeoutMs: firstAnswerTimeoutOverride(env.SFU_FIRST_ANSWER_TIMEOUT_MS)
    },
    source: { path: inputs.packagePath, include: inputs.include, compress: form.compress, diffPackage: form.diffPackage, ...versions },
    upload: {
      imageStorePath: inputs.imageStorePath,
      overwrite: inputs.overwrite,
      chunkSize: inputs.chunkSize,
      concurrency: inputs.concurrency,
      copyTo: inputs.copyTo,
      cleanupPaths: inputs.cleanupPaths,
      dryRun: inputs.dryRun
    },
    release,
    names: ACTION_SETTING_NAMES,
    blob,
    ...(arm ? { arm } : {})
  });
}

/** SFU_FIRST_ANSWER_TIMEOUT_MS (tests only): the first-answer deadline in milliseconds, 100 … 60000. */
function firstAnswerTimeoutOverride(value: string | undefined): number | undefined {
  const ms = Number(value);
  return value !== undefined && /^\d+$/.test(value) && ms >= 100 && ms <= 60_000 ? ms : undefined;
}

/** SFU_EXPECT_CONTINUE (for measurements): always, first-request (the default) or never. */
function expectContinueMode(value: string | undefined): ExpectContinueMode {
  if (value === 'always' || value === 'never' || value === 'first-request') return value;
  return 'first-request';
}
