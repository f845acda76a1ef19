// The destination when 'image-store-path' is not set: the application type's name and version from
// ApplicationManifest.xml, as `<ApplicationTypeName>/<ApplicationTypeVersion>`. The package folder's
// own name, the default before, is `Release` for every Visual Studio build: with the default
// `overwrite: replace`, two pipelines deleted each other's staging folder.
//
// Why `Name/Version` rather than `Name_Version`: both segments are ones a Windows and a Linux
// cluster store alike (they are checked below as an explicit destination is), a `_` inside either
// name cannot make two types collide (`A_B` + `1` and `A` + `B_1` would both give `A_B_1`), the
// versions of one type sit together under one folder (easy to list or clean up), and it is the form
// the README and `sfctl` examples already use (`VotingApp/1.2.0`).
import type { UploadSpec } from '../upload/upload-spec.js';
import { SettingError, type SettingNames } from '../util/settings.js';
import { checkStorePathsApart, parseStorePath } from './upload-settings.js';

export interface ApplicationIdentity {
  typeName: string;
  typeVersion: string;
}

/** `<ApplicationTypeName>/<ApplicationTypeVersion>`; SettingError when a cluster could not store it. */
export function defaultImageStorePath(app: ApplicationIdentity, names: SettingNames): string {
  const derived = `${app.typeName}/${app.typeVersion}`;
  const unusable = (why: string) =>
    new SettingError(
      `'${names.ImageStorePath}' is not set, and its default '${derived}' (ApplicationTypeName/ApplicationTypeVersion of ApplicationManifest.xml) cannot be used: ${why} Set '${names.ImageStorePath}'.`
    );
  if (/[\\/]/.test(app.typeName) || /[\\/]/.test(app.typeVersion)) throw unusable('the name or the version holds a path separator.');
  try {
    return parseStorePath(names.ImageStorePath, derived);
  } catch (err) {
    throw unusable(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The spec with its destination filled in when it was not set (then `copy-to` and `cleanup-paths`
 * are checked against it as for an explicit one), and the line that says so in the log; the spec
 * as it is otherwise.
 */
export function withDefaultDestination(spec: UploadSpec, app: ApplicationIdentity, names: SettingNames): { spec: UploadSpec; note?: string } {
  if (spec.imageStorePath !== '') return { spec };
  const imageStorePath = defaultImageStorePath(app, names);
  checkStorePathsApart(imageStorePath, spec.copyTo, spec.cleanupPaths, names);
  return {
    spec: Object.freeze({ ...spec, imageStorePath }),
    note: `'${names.ImageStorePath}' is not set: uploading to '${imageStorePath}', the application type's name and version from ApplicationManifest.xml (one folder per type and version, so that other applications and versions are left alone).`
  };
}
