// Inputs of issue 19 (versions that follow the content), read beside inputs.ts so that both can change apart.
import * as core from '@actions/core';
import { InputError } from './inputs.js';

export const VersionInput = {
  VersionStamp: 'version-stamp',
  VersionStampIgnore: 'version-stamp-ignore'
} as const;

export const VersionOutput = {
  ChangedPackages: 'changed-packages'
} as const;

export interface VersionStampInputs {
  /** `content`: stamp every version with a digest of what it covers; `none`: upload the versions as declared. */
  mode: 'none' | 'content';
  /** Globs (relative to package-path) of files left out of the digests; still uploaded. */
  ignore: string[];
}

export function getVersionStampInputs(read: (name: string) => string = name => core.getInput(name)): VersionStampInputs {
  const mode = read(VersionInput.VersionStamp).trim();
  if (mode !== '' && mode !== 'none' && mode !== 'content') {
    throw new InputError(`'${VersionInput.VersionStamp}' must be 'none' or 'content', not '${mode}'.`);
  }
  const ignore = read(VersionInput.VersionStampIgnore)
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '');
  for (const pattern of ignore) {
    if (pattern.startsWith('!') || pattern.split(/[\\/]/).includes('..') || pattern.startsWith('/')) {
      throw new InputError(
        `'${VersionInput.VersionStampIgnore}' pattern '${pattern}' must be a glob relative to 'package-path' with no '!', leading '/' or '..' (for example '**/*.pdb').`
      );
    }
  }
  if (ignore.length > 0 && mode !== 'content') {
    throw new InputError(
      `'${VersionInput.VersionStampIgnore}' is given but '${VersionInput.VersionStamp}' is not 'content': set 'version-stamp: content' or remove it.`
    );
  }
  return { mode: mode === 'content' ? 'content' : 'none', ignore };
}
