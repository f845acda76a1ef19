// Inputs of the ExternalStore path (issue 20): provision from an `.sfpkg` in Blob storage instead
// of the Image Store. Read and checked offline, before any request.
import * as core from '@actions/core';
import { Input, InputError, maskSecret } from './inputs.js';
import { BlobLocationError, type ContainerLocation, parseContainerUrl } from '../azure/blob-location.js';
import type { BlobSpec } from '../azure/blob-spec.js';
import { parseSas, SasError, type SasToken } from '../azure/sas.js';

export const BlobInput = {
  ContainerUrl: 'blob-container-url',
  Sas: 'blob-sas',
  BlobName: 'blob-name',
  DeleteBlob: 'delete-blob'
} as const;

/**
 * Test-only (docs/development.md): one loopback origin (Azurite's) the container URL may use
 * besides Azure Storage's hosts. Never a plain input: an input could send a secret anywhere.
 */
export const TEST_BLOB_ORIGIN_VARIABLE = 'SFU_TEST_BLOB_ORIGIN';

/** The Blob storage part of the job (src/azure/blob-spec.ts). */
export type BlobInputs = BlobSpec;

/** Undefined when `blob-container-url` is not set (the Image Store path). */
export function getBlobInputs(read: (name: string) => string = name => core.getInput(name), env: NodeJS.ProcessEnv = process.env): BlobInputs | undefined {
  const sasText = read(BlobInput.Sas);
  maskSecret(sasText);
  const urlText = read(BlobInput.ContainerUrl).trim();
  const blobNameText = read(BlobInput.BlobName).trim();
  const deleteText = read(BlobInput.DeleteBlob).trim();
  if (urlText === '') {
    const stray = [
      sasText.trim() !== '' && BlobInput.Sas,
      blobNameText !== '' && BlobInput.BlobName,
      /^true$/i.test(deleteText) && BlobInput.DeleteBlob
    ].filter(Boolean);
    if (stray.length > 0) throw new InputError(`${stray.map(s => `'${s}'`).join(', ')} need${stray.length === 1 ? 's' : ''} '${BlobInput.ContainerUrl}'.`);
    return undefined;
  }
  const deleteBlob = parseBoolean(BlobInput.DeleteBlob, deleteText);
  let location: ContainerLocation;
  let sas: SasToken | undefined;
  try {
    location = parseContainerUrl(BlobInput.ContainerUrl, urlText, testOrigin(env));
    if (sasText.trim() !== '') {
      sas = parseSas(BlobInput.Sas, sasText, [
        { letter: 'r', why: 'the cluster downloads the .sfpkg with it, and a re-run reads the blob to reuse it' },
        { letter: 'w', why: 'to upload the .sfpkg' },
        ...(deleteBlob ? [{ letter: 'd', why: `'${BlobInput.DeleteBlob}: true'` }] : [])
      ]);
      maskSecret(sas.signature);
      maskSecret(encodeURIComponent(sas.signature));
    }
  } catch (err) {
    if (err instanceof BlobLocationError || err instanceof SasError) throw new InputError(err.message);
    throw err;
  }
  if (sas === undefined && (read(Input.AzureClientId).trim() === '' || read(Input.AzureTenantId).trim() === '')) {
    throw new InputError(
      `'${BlobInput.ContainerUrl}' needs credentials: '${BlobInput.Sas}' (a container SAS, as a secret), or '${Input.AzureClientId}' and '${Input.AzureTenantId}' (a service principal with the 'Storage Blob Data Contributor' role on the container, by '${Input.AzureClientSecret}' or GitHub OIDC).`
    );
  }
  if (blobNameText !== '' && !blobNameText.toLowerCase().endsWith('.sfpkg')) {
    throw new InputError(
      `'${BlobInput.BlobName}' is '${blobNameText}': it must end in '.sfpkg', the only file name the cluster accepts for an ExternalStore provision.`
    );
  }
  if (blobNameText !== '' && /[\\?#%]|\.\.|^\/|\/\//.test(blobNameText)) {
    throw new InputError(`'${BlobInput.BlobName}' '${blobNameText}' must be a relative blob name without '\\', '?', '#', '%', '..' or empty segments.`);
  }
  return { location, sas, blobName: blobNameText === '' ? undefined : blobNameText, deleteBlob };
}

function testOrigin(env: NodeJS.ProcessEnv): string | undefined {
  const value = env[TEST_BLOB_ORIGIN_VARIABLE]?.trim();
  if (!value) return undefined;
  const url = new URL(value);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new InputError(`${TEST_BLOB_ORIGIN_VARIABLE} is for tests against a local Azurite: it must be a loopback origin, not '${url.origin}'.`);
  }
  return url.origin;
}

function parseBoolean(input: string, value: string): boolean {
  if (/^(true)$/i.test(value)) return true;
  if (value === '' || /^(false)$/i.test(value)) return false;
  throw new InputError(`'${input}' must be 'true' or 'false', not '${value}'.`);
}

/**
 * The ExternalStore path is a provision: it turns `provision` on, and refuses what only the Image
 * Store path can do.
 */
export function checkBlobInputsFit(
  deploy: { provision: boolean | undefined },
  pkg: { diffPackage: boolean },
  upload: { copyTo: string | undefined; cleanupPaths: string[] }
): void {
  if (deploy.provision === false) {
    throw new InputError(`'${BlobInput.ContainerUrl}' provisions the package from Blob storage: it cannot be used with 'provision: false'.`);
  }
  deploy.provision = true;
  if (pkg.diffPackage) {
    throw new InputError(
      `'diff-package' leaves parts out of an Image Store upload; an .sfpkg from '${BlobInput.ContainerUrl}' holds the whole package. Remove one of them.`
    );
  }
  if (upload.copyTo !== undefined || upload.cleanupPaths.length > 0) {
    throw new InputError(`'copy-to' and 'cleanup-paths' work in the Image Store, which '${BlobInput.ContainerUrl}' does not use: remove them.`);
  }
}
