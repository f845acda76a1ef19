// The release inputs: their names, and reading them through `core.getInput`. Parsing and
// validation live in src/core/release-settings.ts.
import * as core from '@actions/core';
import * as path from 'node:path';
import { readReleaseSpec } from '../core/release-settings.js';
import type { ReleaseSpec } from '../deploy/release-spec.js';
import { SETTING } from '../util/settings.js';
import { ACTION_SETTING_NAMES } from './inputs.js';

export { FAILURE_ACTIONS, type FailureAction, UPGRADE_MODES, type UpgradeMode, wantsApplication, wantsRelease } from '../deploy/release-spec.js';
export { DEFAULT_DEPLOY_TIMEOUT_SECONDS, parseApplicationName, parseNameValueLines } from '../core/release-settings.js';

/** The inputs by key: the core's setting names, which are the action's input names. */
export const DeployInput = SETTING;

/** The release inputs: the core's release spec. */
export type DeployInputs = ReleaseSpec;

/** Reads the release inputs through `core.getInput`: what the runner passes as `INPUT_<NAME>`. */
export function getDeployInputs(
  read: (name: string) => string = name => core.getInput(name),
  resolve: (p: string) => string = p => path.resolve(p)
): DeployInputs {
  return readReleaseSpec(read, ACTION_SETTING_NAMES, { info: line => core.info(line) }, resolve);
}
