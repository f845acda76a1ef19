// Inputs of versions that follow the content, through `core.getInput`; parsing lives in
// src/core/version-settings.ts.
import * as core from '@actions/core';
import { readVersionStamp } from '../core/version-settings.js';
import { ACTION_SETTING_NAMES } from './inputs.js';

export function getVersionStampInputs(read: (name: string) => string = name => core.getInput(name)) {
  return readVersionStamp(read, ACTION_SETTING_NAMES);
}
