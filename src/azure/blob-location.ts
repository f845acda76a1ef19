// Where the `.sfpkg` goes: a Blob container URL checked offline against Azure Storage's hosts, a
// blob name that carries the type and version, and the SAS rules (permissions, expiry). Nothing
// here sends a request.
import { createHash } from 'node:crypto';

/** Blob endpoints of the Azure clouds (public, US Government, China); a private endpoint keeps these names. */
const AZURE_BLOB_HOST_SUFFIXES = ['.blob.core.windows.net', '.blob.core.usgovcloudapi.net', '.blob.core.chinacloudapi.cn', '.blob.storage.azure.net'];

export class BlobLocationError extends Error {
  override name = 'BlobLocationError';
}

export interface ContainerLocation {
  /** `https://account.blob.core.windows.net/container` (no query, no trailing slash). */
  containerUrl: string;
  /** `https://account.blob.core.windows.net`, or for a path-style test endpoint `http://127.0.0.1:10000/devstoreaccount1`. */
  serviceUrl: string;
  accountName: string;
  containerName: string;
}

/**
 * Checks the container URL offline: https, an Azure Storage blob host, one path segment (the
 * container), no query (a SAS belongs in its secret input). `testOrigin` is the one origin the
 * tests may add (SFU_TEST_BLOB_ORIGIN, loopback only, path-style as Azurite serves it).
 */
export function parseContainerUrl(input: string, value: string, testOrigin?: string): ContainerLocation {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new BlobLocationError(`'${input}' is not a URL: give the container's URL, such as 'https://myaccount.blob.core.windows.net/packages'.`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new BlobLocationError(
      `'${input}' must be the container's URL alone, without a query, a fragment or credentials: give a SAS in its own secret input instead, so that it is masked.`
    );
  }
  const segments = url.pathname.split('/').filter(s => s !== '');
  const isTest = testOrigin !== undefined && url.origin === testOrigin;
  if (isTest) {
    // Path-style, as Azurite serves it: /<account>/<container>.
    if (segments.length !== 2) throw new BlobLocationError(`'${input}' on the test endpoint must be '${testOrigin}/<account>/<container>'.`);
    const [accountName, containerName] = segments as [string, string];
    checkContainerName(input, containerName);
    return { containerUrl: `${url.origin}/${accountName}/${containerName}`, serviceUrl: `${url.origin}/${accountName}`, accountName, containerName };
  }
  const host = url.hostname.toLowerCase();
  const suffix = AZURE_BLOB_HOST_SUFFIXES.find(s => host.endsWith(s) && host.length > s.length);
  if (url.protocol !== 'https:' || suffix === undefined || url.port !== '') {
    throw new BlobLocationError(
      `'${input}' must be an https:// Azure Storage blob endpoint (${AZURE_BLOB_HOST_SUFFIXES.map(s => `*${s}`).join(', ')}), not '${url.origin}': the action sends Azure credentials there.`
    );
  }
  if (segments.length !== 1) {
    throw new BlobLocationError(`'${input}' must name one container, such as 'https://${host}/packages', not the path '${url.pathname}'.`);
  }
  const containerName = segments[0]!;
  checkContainerName(input, containerName);
  const accountName = host.slice(0, host.length - suffix.length).split('.')[0]!;
  return { containerUrl: `https://${host}/${containerName}`, serviceUrl: `https://${host}`, accountName, containerName };
}

function checkContainerName(input: string, name: string): void {
  // Azure's rule: 3-63 characters, lower-case letters, digits and single hyphens, starting and ending with a letter or digit.
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(name)) {
    throw new BlobLocationError(
      `'${input}' names the container '${name}', which is not a valid container name (3-63 lower-case letters, digits and single hyphens).`
    );
  }
}

const UNSAFE_NAME = /[\\?#%]|\.\.|^\/|\/$|\/\//;

/**
 * The blob's name: `<prefix>/<Type>/<Type>.<Version>.sfpkg`, or with a cluster's scope
 * `<prefix>/<Type>/<scope>/<Type>.<Version>.sfpkg`. The cluster only accepts a download URL whose
 * file name ends in `.sfpkg`, and the type and version in the name make a re-run of the same version
 * find its blob again.
 */
export function sfpkgBlobName(typeName: string, typeVersion: string, prefix = '', scope?: string): string {
  const folder = scope === undefined ? typeName : `${typeName}/${scope}`;
  const name = `${prefix === '' ? '' : `${prefix.replace(/\/+$/, '')}/`}${folder}/${typeName}.${typeVersion}.sfpkg`;
  if (UNSAFE_NAME.test(name) || name.length > 1024) {
    throw new BlobLocationError(
      `The blob name '${name}' is not usable: the type name, version and prefix must not hold '\\', '?', '#', '%', '..' or empty segments.`
    );
  }
  return name;
}

/**
 * The folder that keeps one cluster's `.sfpkg`s apart from another's in a shared container, on the
 * gateway's ExternalStore path: `cluster-` and 12 hex digits of the SHA-256 of the gateway's origin
 * (lower case, so `HTTPS://Host:19080/` and `https://host:19080` are one cluster). The cluster keeps
 * no record of the package it was provisioned from, so a re-run compares with this cluster's blob;
 * without the folder, a release of the same type and version to another cluster would replace it.
 */
export function clusterBlobScope(endpoint: string): string {
  let origin: string;
  try {
    origin = new URL(endpoint).origin.toLowerCase();
  } catch {
    origin = endpoint.trim().toLowerCase();
  }
  return `cluster-${createHash('sha256').update(origin).digest('hex').slice(0, 12)}`;
}

/**
 * The checks the runtime makes of an ExternalStore provision, made offline: an http(s) URL whose
 * path ends in `.sfpkg`, and the type name and version the package's manifest declares.
 */
export function checkExternalStoreProvision(
  downloadUrl: string,
  requested: { typeName: string; typeVersion: string },
  manifest: { typeName: string; typeVersion: string }
): void {
  let url: URL;
  try {
    url = new URL(downloadUrl);
  } catch {
    throw new BlobLocationError('The package download URL is not a URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BlobLocationError(`The package download URL must be http(s), not ${url.protocol}.`);
  if (!decodeURIComponent(url.pathname).toLowerCase().endsWith('.sfpkg')) {
    throw new BlobLocationError(
      `The package download URL's path '${url.pathname}' does not end in '.sfpkg': the cluster refuses any other file name for an ExternalStore provision.`
    );
  }
  if (requested.typeName !== manifest.typeName || requested.typeVersion !== manifest.typeVersion) {
    throw new BlobLocationError(
      `The provision asks for ${requested.typeName} ${requested.typeVersion} but the package's ApplicationManifest.xml declares ${manifest.typeName} ${manifest.typeVersion}: the cluster requires them to match.`
    );
  }
}
