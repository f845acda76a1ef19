// `version-stamp` and `version-stamp-ignore` (issue 19), read and validated once. Shared by the front doors.
import type { PackageSource } from '../package/package-source.js';
import { SETTING, SettingError, type SettingNames } from '../util/settings.js';

/** By canonical name through `read`; messages name the settings by `names`. */
export function readVersionStamp(read: (name: string) => string, names: SettingNames): Required<Pick<PackageSource, 'versionStamp' | 'versionStampIgnore'>> {
  const mode = read(SETTING.VersionStamp).trim();
  if (mode !== '' && mode !== 'none' && mode !== 'content') {
    throw new SettingError(`'${names.VersionStamp}' must be 'none' or 'content', not '${mode}'.`);
  }
  const ignore = read(SETTING.VersionStampIgnore)
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '');
  for (const pattern of ignore) {
    if (pattern.startsWith('!') || pattern.split(/[\\/]/).includes('..') || pattern.startsWith('/')) {
      throw new SettingError(
        `'${names.VersionStampIgnore}' pattern '${pattern}' must be a glob relative to '${names.PackagePath}' with no '!', leading '/' or '..' (for example '**/*.pdb').`
      );
    }
  }
  if (ignore.length > 0 && mode !== 'content') {
    throw new SettingError(
      `'${names.VersionStampIgnore}' is given but '${names.VersionStamp}' is not 'content': set it to 'content' or remove '${names.VersionStampIgnore}'.`
    );
  }
  return { versionStamp: mode === 'content' ? 'content' : 'none', versionStampIgnore: ignore };
}
