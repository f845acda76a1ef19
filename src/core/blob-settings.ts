// The ExternalStore path's settings: provision from an `.sfpkg` in Blob storage instead of the
// Image Store. Read and checked offline, before any request. Shared by the front doors.
import { BlobLocationError, type ContainerLocation, parseContainerUrl } from '../azure/blob-location.js';
import type { BlobSpec } from '../azure/blob-spec.js';
import { parseSas, SasError, type SasToken } from '../azure/sas.js';
import { maskSecret, type Reporter } from '../util/reporter.js';
import { SETTING, SettingError, type SettingNames } from '../util/settings.js';

/**
 * Test-only (docs/development.md): the variable naming one loopback origin (Azurite's) the
 * container URL may use besides Azure Storage's hosts. Never a setting: a setting could send a
 * secret anywhere. The front door reads it and passes its value as `testOrigin`.
 */
export const TEST_BLOB_ORIGIN_VARIABLE = 'SFU_TEST_BLOB_ORIGIN';

export interface BlobSettingsOptions {
  /** The value of SFU_TEST_BLOB_ORIGIN, if any: only a loopback origin is taken. */
  testOrigin?: string;
  /** How messages name the front door's federated credential ('GitHub OIDC'); undefined: it has none. */
  federatedCredential?: string;
}

/** Undefined when the container URL is not set (the Image Store path). Secrets are masked first. */
export function readBlobSpec(
  read: (name: string) => string,
  names: SettingNames,
  reporter: Pick<Reporter, 'setSecret'>,
  options: BlobSettingsOptions = {}
): BlobSpec | undefined {
  const sasText = read(SETTING.BlobSas);
  maskSecret(reporter, sasText);
  const urlText = read(SETTING.BlobContainerUrl).trim();
  const blobNameText = read(SETTING.BlobName).trim();
  const deleteText = read(SETTING.DeleteBlob).trim();
  if (urlText === '') {
    const stray = [sasText.trim() !== '' && names.BlobSas, blobNameText !== '' && names.BlobName, /^true$/i.test(deleteText) && names.DeleteBlob].filter(
      Boolean
    );
    if (stray.length > 0) throw new SettingError(`${stray.map(s => `'${s}'`).join(', ')} need${stray.length === 1 ? 's' : ''} '${names.BlobContainerUrl}'.`);
    return undefined;
  }
  const deleteBlob = parseBoolean(names.DeleteBlob, deleteText);
  let location: ContainerLocation;
  let sas: SasToken | undefined;
  try {
    location = parseContainerUrl(names.BlobContainerUrl, urlText, testBlobOrigin(options.testOrigin));
    if (sasText.trim() !== '') {
      sas = parseSas(names.BlobSas, sasText, [
        { letter: 'r', why: 'the cluster downloads the .sfpkg with it, and a re-run reads the blob to reuse it' },
        { letter: 'w', why: 'to upload the .sfpkg' },
        ...(deleteBlob ? [{ letter: 'd', why: `'${names.DeleteBlob}: true'` }] : [])
      ]);
      maskSecret(reporter, sas.signature);
      maskSecret(reporter, encodeURIComponent(sas.signature));
    }
  } catch (err) {
    if (err instanceof BlobLocationError || err instanceof SasError) throw new SettingError(err.message);
    throw err;
  }
  if (sas === undefined && (read(SETTING.AzureClientId).trim() === '' || read(SETTING.AzureTenantId).trim() === '')) {
    const by = options.federatedCredential === undefined ? `'${names.AzureClientSecret}'` : `'${names.AzureClientSecret}' or ${options.federatedCredential}`;
    throw new SettingError(
      `'${names.BlobContainerUrl}' needs credentials: '${names.BlobSas}' (a container SAS, as a secret), or '${names.AzureClientId}' and '${names.AzureTenantId}' (a service principal with the 'Storage Blob Data Contributor' role on the container, by ${by}).`
    );
  }
  if (blobNameText !== '' && !blobNameText.toLowerCase().endsWith('.sfpkg')) {
    throw new SettingError(
      `'${names.BlobName}' is '${blobNameText}': it must end in '.sfpkg', the only file name the cluster accepts for an ExternalStore provision.`
    );
  }
  if (blobNameText !== '' && /[\\?#%]|\.\.|^\/|\/\//.test(blobNameText)) {
    throw new SettingError(`'${names.BlobName}' '${blobNameText}' must be a relative blob name without '\\', '?', '#', '%', '..' or empty segments.`);
  }
  return { location, sas, blobName: blobNameText === '' ? undefined : blobNameText, deleteBlob };
}

function testBlobOrigin(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const url = new URL(text);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new SettingError(`${TEST_BLOB_ORIGIN_VARIABLE} is for tests against a local Azurite: it must be a loopback origin, not '${url.origin}'.`);
  }
  return url.origin;
}

function parseBoolean(input: string, value: string): boolean {
  if (/^(true)$/i.test(value)) return true;
  if (value === '' || /^(false)$/i.test(value)) return false;
  throw new SettingError(`'${input}' must be 'true' or 'false', not '${value}'.`);
}

/**
 * The ExternalStore path is a provision: it turns `provision` on, and refuses what only the Image
 * Store path can do.
 */
export function checkBlobSettingsFit(
  deploy: { provision: boolean | undefined },
  pkg: { diffPackage: boolean },
  upload: { copyTo: string | undefined; cleanupPaths: string[] },
  names: SettingNames
): void {
  if (deploy.provision === false) {
    throw new SettingError(`'${names.BlobContainerUrl}' provisions the package from Blob storage: it cannot be used with '${names.Provision}: false'.`);
  }
  deploy.provision = true;
  if (pkg.diffPackage) {
    throw new SettingError(
      `'${names.DiffPackage}' leaves parts out of an Image Store upload; an .sfpkg from '${names.BlobContainerUrl}' holds the whole package. Remove one of them.`
    );
  }
  if (upload.copyTo !== undefined || upload.cleanupPaths.length > 0) {
    throw new SettingError(
      `'${names.CopyTo}' and '${names.CleanupPaths}' work in the Image Store, which '${names.BlobContainerUrl}' does not use: remove them.`
    );
  }
}
