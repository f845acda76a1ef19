// The action's inputs as the core's job: read through the core's shared readers (the same as the
// CLI's), validated once, then frozen.
import * as core from '@actions/core';
import type { ReleaseJob } from '../core/job.js';
import { TEST_ARM_ORIGIN_VARIABLE } from '../core/arm-settings.js';
import { TEST_BLOB_ORIGIN_VARIABLE } from '../core/blob-settings.js';
import { expectContinueMode, firstAnswerTimeoutOverride, readReleaseJob as readJob } from '../core/read-job.js';
import { githubOidcTokenSource } from './github-oidc.js';
import { ACTION_SETTING_NAMES } from './inputs.js';

export { ACTION_SETTING_NAMES } from './inputs.js';

export function readReleaseJob(read: (name: string) => string = name => core.getInput(name), env: NodeJS.ProcessEnv = process.env): ReleaseJob {
  const reporter = { setSecret: (v: string) => core.setSecret(v), info: (line: string) => core.info(line) };
  return readJob(read, ACTION_SETTING_NAMES, reporter, {
    federatedToken: githubOidcTokenSource(),
    federatedCredential: 'GitHub OIDC',
    expectContinue: expectContinueMode(env.SFU_EXPECT_CONTINUE),
    firstAnswerTimeoutMs: firstAnswerTimeoutOverride(env.SFU_FIRST_ANSWER_TIMEOUT_MS),
    testBlobOrigin: env[TEST_BLOB_ORIGIN_VARIABLE],
    testArmOrigin: env[TEST_ARM_ORIGIN_VARIABLE]
  });
}
