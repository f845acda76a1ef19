// The destination when 'image-store-path' is not set: the application type's name and version from
// ApplicationManifest.xml, as `<ApplicationTypeName>/<ApplicationTypeVersion>`. The package folder's
// own name, the default before, is `Release` for every Visual Studio build: with the default
// `overwrite: replace`, two pipelines deleted each other's staging folder.
//
// Why `Name/Version` rather than `Name_Version`: both segments are ones a Windows and a Linux
// cluster store alike (they are checked below as 'image-store-path' is), a `_` inside either name
// cannot make two types collide (`A_B` + `1` and `A` + `B_1` would both give `A_B_1`), the versions
// of one type sit together under one folder (easy to list or clean up), and it is the form the
// README and `sfctl` examples already use (`VotingApp/1.2.0`).
import { checkStorePathsApart, Input, InputError, parseStorePath, type UploadInputs } from './inputs.js';

export interface ApplicationIdentity {
  typeName: string;
  typeVersion: string;
}

/** `<ApplicationTypeName>/<ApplicationTypeVersion>`; InputError when a cluster could not store it. */
export function defaultImageStorePath(app: ApplicationIdentity): string {
  const derived = `${app.typeName}/${app.typeVersion}`;
  const unusable = (why: string) =>
    new InputError(
      `'${Input.ImageStorePath}' is not set, and its default '${derived}' (ApplicationTypeName/ApplicationTypeVersion of ApplicationManifest.xml) cannot be used: ${why} Set '${Input.ImageStorePath}'.`
    );
  if (/[\\/]/.test(app.typeName) || /[\\/]/.test(app.typeVersion)) throw unusable('the name or the version holds a path separator.');
  try {
    return parseStorePath(Input.ImageStorePath, derived);
  } catch (err) {
    throw unusable(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Fills in the destination of inputs that did not set it, and checks 'copy-to' and 'cleanup-paths'
 * against it as getInputs() does for an explicit one. Returns the line that says so in the log, or
 * undefined when 'image-store-path' was set.
 */
export function applyDefaultDestination(inputs: UploadInputs, app: ApplicationIdentity): string | undefined {
  if (!inputs.imageStorePathDefaulted) return undefined;
  inputs.imageStorePath = defaultImageStorePath(app);
  checkStorePathsApart(inputs.imageStorePath, inputs.copyTo, inputs.cleanupPaths);
  return `'${Input.ImageStorePath}' is not set: uploading to '${inputs.imageStorePath}', the application type's name and version from ApplicationManifest.xml (one folder per type and version, so that other applications and versions are left alone).`;
}
