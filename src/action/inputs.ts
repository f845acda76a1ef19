// The action's inputs: their names, and reading them through `core.getInput` into the settings the
// core's job is built from. Parsing and validation live in src/core/upload-settings.ts.
import * as core from '@actions/core';
import { readUploadSettings, type UploadSettings } from '../core/upload-settings.js';
import { maskSecret as maskWith } from '../util/reporter.js';
import { SETTING, settingNames } from '../util/settings.js';
import type { SecuritySettings } from '../cluster/cluster-target.js';

// Moved below the front door; re-exported for the action's callers and tests.
export { SettingError as InputError } from '../util/settings.js';
export { formatBytes, GiB, KiB, MiB } from '../util/format-bytes.js';
export { OVERWRITE_MODES, type OverwriteMode } from '../upload/upload-spec.js';
export {
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  parseByteSize,
  parseChunkSize,
  parseEndpoint,
  parseSecuritySettings as parseSecurityInputs,
  parseStorePath,
  parseThumbprints
} from '../core/upload-settings.js';
export type SecurityInputs = SecuritySettings;
export type UploadInputs = UploadSettings;

/** The action names each setting by its input name. */
export const ACTION_SETTING_NAMES = settingNames(name => name);

/** Masks a secret in the runner's log, and each of its lines. */
export function maskSecret(value: string): void {
  maskWith({ setSecret: v => core.setSecret(v) }, value);
}

/** The inputs by key: the core's setting names, which are the action's input names. */
export const Input = SETTING;

/** Reads the inputs through `core.getInput`: what the runner passes as `INPUT_<NAME>`. */
export function getInputs(read: (name: string) => string = name => core.getInput(name), options: { withoutGateway?: boolean } = {}): UploadInputs {
  return readUploadSettings(read, ACTION_SETTING_NAMES, { setSecret: v => core.setSecret(v) }, options);
}
