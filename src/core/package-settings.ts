// Which form of the package to upload (compressed, diff), read and validated once. Shared by the
// front doors.
import type { PackageSource } from '../package/package-source.js';
import { SETTING, SettingError as InputError, type SettingNames } from '../util/settings.js';

function parseBoolean(input: string, value: string): boolean {
  const v = value.trim();
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE', ''].includes(v)) return false;
  throw new InputError(`'${input}' must be 'true' or 'false', not '${value}'.`);
}

/** `compress` and `diff-package`, by canonical name through `read`; messages name them by `names`. */
export function readPackageForm(read: (name: string) => string, names: SettingNames): Pick<PackageSource, 'compress' | 'diffPackage'> {
  return {
    compress: parseBoolean(names.Compress, read(SETTING.Compress)),
    diffPackage: parseBoolean(names.DiffPackage, read(SETTING.DiffPackage))
  };
}
