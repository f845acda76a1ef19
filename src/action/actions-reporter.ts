// The core's reporter on the GitHub runner: log lines, warnings and groups through @actions/core,
// which also masks every secret it is given.
import * as core from '@actions/core';
import type { Reporter } from '../util/reporter.js';

export const actionsReporter: Reporter = Object.freeze({
  info: (line: string) => core.info(line),
  warning: (line: string) => core.warning(line),
  debug: (line: string) => core.debug(line),
  group: <T>(name: string, fn: () => Promise<T>) => core.group(name, fn),
  progress: (line: string) => core.info(line),
  setSecret: (value: string) => core.setSecret(value)
});
