// The action's inputs as the core's job: read and validated once (src/core/read-job.ts), then frozen.
import * as core from '@actions/core';
import { expectContinueMode, readReleaseJob as readJob } from '../core/read-job.js';
import type { ReleaseJob } from '../core/job.js';
import { actionsReporter } from './actions-reporter.js';
import { githubOidcToken } from './github-oidc.js';
import { ACTION_SETTING_NAMES } from './inputs.js';

export { ACTION_SETTING_NAMES } from './inputs.js';

export function readReleaseJob(read: (name: string) => string = name => core.getInput(name), env: NodeJS.ProcessEnv = process.env): ReleaseJob {
  return readJob(read, ACTION_SETTING_NAMES, actionsReporter, { federatedToken: githubOidcToken, expectContinue: expectContinueMode(env.SFU_EXPECT_CONTINUE) });
}
