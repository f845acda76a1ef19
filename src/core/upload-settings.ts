// The upload's settings, read and validated once, before any request is sent. Front doors share
// it: each gives a reader by canonical name (the action: its inputs; a CLI: flags and environment)
// and the names its errors use.
import * as path from 'node:path';
import type { SecuritySettings } from '../cluster/cluster-target.js';
import { windowsNameProblem } from '../package/store-names.js';
import { isReservedRoot } from '../protocol/error-codes.js';
import { AS_WINDOWS, isSameOrBeneath, normalizeStorePath, storePathSegments } from '../protocol/store-path.js';
import { OVERWRITE_MODES, type OverwriteMode } from '../upload/upload-spec.js';
import { GiB, KiB, MiB } from '../util/format-bytes.js';
import { maskSecret, type Reporter } from '../util/reporter.js';
import { CANONICAL_NAMES, SETTING, SettingError as InputError, type SettingNames } from '../util/settings.js';

/** Settings whose values are secrets: masked before anything else happens. */
const SECRET_SETTINGS = [SETTING.ClientCertificate, SETTING.ClientKey, SETTING.ClientCertificatePassword, SETTING.AadToken, SETTING.AzureClientSecret];

export const MIN_CHUNK_SIZE = 64 * KiB;
export const MAX_CHUNK_SIZE = GiB;

/** The upload's settings as read: what a front door turns into a ClusterTarget, PackageSource and UploadSpec. */
export interface UploadSettings {
  /** The HTTP gateway, without a trailing slash: `https://host:19080`. */
  clusterEndpoint: string;
  /** Absolute local folder of the application package. */
  packagePath: string;
  /**
   * Destination folder in the store, `a/b` form. Empty when the setting is not given: the core then
   * derives it from ApplicationManifest.xml once the package is validated (default-destination.ts).
   */
  imageStorePath: string;
  /** Glob patterns relative to the package folder; `!` excludes. */
  include: string[];
  /** Files larger than this go through an upload session, in chunks of this size. */
  chunkSize: number;
  /** Most requests in flight at once. */
  concurrency: number;
  overwrite: OverwriteMode;
  /** Store path to copy the upload to, or undefined. */
  copyTo: string | undefined;
  /** Store paths deleted after a successful upload. */
  cleanupPaths: string[];
  /** Server timeout of each request, in seconds. */
  timeoutSeconds: number;
  /** Attempts per request on transient failures. */
  retries: number;
  apiVersion: string;
  dryRun: boolean;
  security: SecuritySettings;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kib|mib|gib|kb|mb|gb|k|m|g)?$/i;
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kib: KiB,
  mib: MiB,
  gib: GiB,
  k: KiB,
  m: MiB,
  g: GiB,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3
};

/** Parses `8MiB`, `512 KiB`, `8MB` (decimal), `1048576`; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  const unitBytes = UNIT_BYTES[(m[2] ?? 'b').toLowerCase()];
  if (unitBytes === undefined) return undefined;
  const bytes = Number(m[1]) * unitBytes;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Validates a store path given by a user; returns it as `a/b`. */
export function parseStorePath(input: string, value: string): string {
  const trimmed = value.trim();
  if (storePathSegments(trimmed).length === 0) {
    throw new InputError(`'${input}' is empty: give a folder in the Image Store, such as 'MyApp'.`);
  }
  if (/^[\\/]/.test(trimmed) || /^[a-zA-Z]:/.test(trimmed) || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new InputError(`'${input}' must be relative to the Image Store root (like 'MyApp/1.0.0'), not '${trimmed}'.`);
  }
  const segments = storePathSegments(trimmed);
  if (segments.some(s => s === '..' || s === '.')) {
    throw new InputError(`'${input}' must not contain '.' or '..' segments: '${trimmed}'.`);
  }
  for (const segment of segments) {
    const problem = windowsNameProblem(segment);
    if (problem)
      throw new InputError(
        `'${input}' ('${trimmed}') has the folder name '${segment}', which a Windows cluster cannot store (${problem}): choose another name.`
      );
  }
  const storePath = normalizeStorePath(trimmed);
  if (isReservedRoot(storePath)) {
    throw new InputError(
      `'${input}' is '${storePath}', which is inside a folder the cluster reserves for itself ('Store', 'WindowsFabricStore'): choose another folder.`
    );
  }
  return storePath;
}

export function parseEndpoint(value: string, names: SettingNames = CANONICAL_NAMES): string {
  const trimmed = value.trim();
  if (trimmed === '') {
    throw new InputError(
      `'${names.ClusterEndpoint}' is required: the cluster's HTTP gateway, such as 'https://mycluster.westeurope.cloudapp.azure.com:19080'.`
    );
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InputError(`'${names.ClusterEndpoint}' is not a URL: '${trimmed}'. Expected 'https://<host>:19080' or 'http://<host>:19080'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`'${names.ClusterEndpoint}' must use https:// or http://, not '${url.protocol}'.`);
  }
  if (url.username || url.password) {
    throw new InputError(`'${names.ClusterEndpoint}' must not carry credentials: use the certificate or token inputs.`);
  }
  if (url.search || url.hash) {
    throw new InputError(`'${names.ClusterEndpoint}' must not have a query or fragment: '${trimmed}'.`);
  }
  // Every route is built from the gateway's root (`/ImageStore/…`): a path would put the package
  // under a wrong folder (`…/ImageStore/ImageStore/App`) or at a wrong server.
  if (url.pathname.replace(/\/+$/, '') !== '') {
    throw new InputError(
      `'${names.ClusterEndpoint}' must be the gateway's address without a path ('${url.protocol}//${url.host}'), not '${trimmed}': the action adds '/ImageStore/…' itself.`
    );
  }
  return `${url.protocol}//${url.host}`;
}

function parseWholeNumber(input: string, value: string, min: number, max: number): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || n < min || n > max) {
    throw new InputError(`'${input}' must be a whole number from ${min} to ${max}, not '${value}'.`);
  }
  return n;
}

export function parseChunkSize(value: string, names: SettingNames = CANONICAL_NAMES): number {
  const bytes = parseByteSize(value);
  const range = `from 64KiB to 1GiB (a byte count, or a number with KiB, MiB, GiB, KB, MB or GB)`;
  if (bytes === undefined) throw new InputError(`'${names.ChunkSize}' must be a size ${range}, not '${value}'.`);
  if (bytes < MIN_CHUNK_SIZE || bytes > MAX_CHUNK_SIZE) {
    throw new InputError(`'${names.ChunkSize}' must be ${range}, not '${value}'.`);
  }
  return bytes;
}

function parseBoolean(input: string, value: string): boolean {
  const v = value.trim();
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE', ''].includes(v)) return false;
  throw new InputError(`'${input}' must be 'true' or 'false', not '${value}'.`);
}

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '');
}

function optional(value: string): string | undefined {
  return value.trim() === '' ? undefined : value.trim();
}

export function parseThumbprints(value: string, names: SettingNames = CANONICAL_NAMES): string[] {
  const thumbprints = value
    .split(',')
    .map(t => t.replace(/[\s:]/g, '').toUpperCase())
    .filter(t => t !== '');
  for (const t of thumbprints) {
    if (!/^[0-9A-F]{40}$/.test(t)) {
      throw new InputError(
        `'${names.ServerCertificateThumbprint}' must be SHA-1 thumbprints (40 hex digits; spaces and colons are ignored; comma-separated), not '${t}'.`
      );
    }
  }
  return thumbprints;
}

export function parseSecuritySettings(
  read: (name: string) => string,
  endpoint: string,
  names: SettingNames = CANONICAL_NAMES,
  federatedCredential = 'GitHub OIDC'
): SecuritySettings {
  const security: SecuritySettings = {
    clientCertificate: optional(read(SETTING.ClientCertificate)),
    clientKey: optional(read(SETTING.ClientKey)),
    clientCertificatePassword: read(SETTING.ClientCertificatePassword) === '' ? undefined : read(SETTING.ClientCertificatePassword),
    serverThumbprints: parseThumbprints(read(SETTING.ServerCertificateThumbprint), names),
    serverCommonName: optional(read(SETTING.ServerCommonName)),
    caCertificate: optional(read(SETTING.CaCertificate)),
    insecureSkipTlsVerify: parseBoolean(names.InsecureSkipTlsVerify, read(SETTING.InsecureSkipTlsVerify)),
    aadToken: optional(read(SETTING.AadToken)),
    azureClientId: optional(read(SETTING.AzureClientId)),
    azureTenantId: optional(read(SETTING.AzureTenantId)),
    azureClientSecret: optional(read(SETTING.AzureClientSecret))
  };
  const pinned = security.serverThumbprints.length > 0 || security.serverCommonName !== undefined;
  if (pinned && security.insecureSkipTlsVerify) {
    throw new InputError(
      `Only one of '${names.ServerCertificateThumbprint}'/'${names.ServerCommonName}' or '${names.InsecureSkipTlsVerify}' can be set: checking the cluster's certificate and accepting any certificate contradict each other.`
    );
  }
  const servicePrincipal = security.azureClientId ?? security.azureTenantId ?? security.azureClientSecret;
  if (security.aadToken !== undefined && servicePrincipal !== undefined) {
    throw new InputError(
      `Only one of '${names.AadToken}' or '${names.AzureClientId}'/'${names.AzureTenantId}'/'${names.AzureClientSecret}' can be set: give a ready token, or a service principal to get one.`
    );
  }
  if (servicePrincipal !== undefined && (security.azureClientId === undefined || security.azureTenantId === undefined)) {
    throw new InputError(
      `'${names.AzureClientId}' and '${names.AzureTenantId}' go together: a service principal needs both (and '${names.AzureClientSecret}', or ${federatedCredential} without it).`
    );
  }
  if (security.insecureSkipTlsVerify && (security.aadToken !== undefined || servicePrincipal !== undefined)) {
    // Without a checked server, whoever answers could name its own login authority (and collect a
    // service principal's secret or GitHub's OIDC token) or simply keep the bearer token.
    throw new InputError(
      `Azure AD credentials ('${security.aadToken !== undefined ? names.AadToken : names.AzureClientId}') cannot be used with '${names.InsecureSkipTlsVerify}': an unchecked server could take the token or the secret; pin the cluster with '${names.ServerCertificateThumbprint}' or '${names.ServerCommonName}' instead.`
    );
  }
  if (security.clientKey !== undefined && security.clientCertificate === undefined) {
    throw new InputError(`'${names.ClientKey}' is set without '${names.ClientCertificate}': give the certificate the key belongs to.`);
  }
  if (security.clientCertificatePassword !== undefined && security.clientCertificate === undefined) {
    throw new InputError(`'${names.ClientCertificatePassword}' is set without '${names.ClientCertificate}': give the certificate it unlocks.`);
  }
  if (endpoint.startsWith('http://')) {
    if (security.clientCertificate !== undefined) {
      throw new InputError(
        `'${names.ClientCertificate}' needs an https:// '${names.ClusterEndpoint}': a client certificate is presented in the TLS handshake, and '${endpoint}' has none.`
      );
    }
    if (security.aadToken !== undefined || servicePrincipal !== undefined) {
      throw new InputError(`Azure AD credentials need an https:// '${names.ClusterEndpoint}': a bearer token must not travel in clear text to '${endpoint}'.`);
    }
    if (pinned || security.caCertificate !== undefined || security.insecureSkipTlsVerify) {
      throw new InputError(`The server certificate inputs only apply to an https:// '${names.ClusterEndpoint}', not '${endpoint}'.`);
    }
  }
  return security;
}

/**
 * Reads and validates the upload's settings: `read` gives a setting's value by its canonical name
 * (`chunk-size`), '' when unset; messages name it by `names`. Secrets are masked first.
 */
export function readUploadSettings(
  read: (name: string) => string,
  names: SettingNames,
  reporter: Pick<Reporter, 'setSecret'>,
  { withoutGateway = false, federatedCredential }: { withoutGateway?: boolean; federatedCredential?: string } = {}
): UploadSettings {
  for (const name of SECRET_SETTINGS) maskSecret(reporter, read(name));
  // A release through ARM needs no gateway: without one named, its endpoint stays '' and the core never connects to it.
  const clusterEndpoint = withoutGateway && read(SETTING.ClusterEndpoint).trim() === '' ? '' : parseEndpoint(read(SETTING.ClusterEndpoint), names);
  const security = parseSecuritySettings(read, clusterEndpoint, names, federatedCredential);
  const packagePathText = read(SETTING.PackagePath).trim();
  if (packagePathText === '') {
    throw new InputError(`'${names.PackagePath}' is required: the local folder of the application package (the folder holding ApplicationManifest.xml).`);
  }
  const packagePath = path.resolve(packagePathText);
  const imageStorePathText = read(SETTING.ImageStorePath);
  // Not set: derived from the manifest after the scan (never the package folder's name, `Release` for every Visual Studio build).
  const imageStorePath = imageStorePathText.trim() === '' ? '' : parseStorePath(names.ImageStorePath, imageStorePathText);
  const include = lines(read(SETTING.Include) || '**');
  if (include.every(p => p.startsWith('!'))) {
    throw new InputError(`'${names.Include}' has only exclusions ('!…'): add at least one pattern that selects files, such as '**'.`);
  }
  const overwriteText = (read(SETTING.Overwrite) || 'replace').trim();
  if (!(OVERWRITE_MODES as readonly string[]).includes(overwriteText)) {
    throw new InputError(`'${names.Overwrite}' must be one of ${OVERWRITE_MODES.join(', ')}, not '${overwriteText}'.`);
  }
  const copyToText = read(SETTING.CopyTo);
  const copyTo = copyToText.trim() === '' ? undefined : parseStorePath(names.CopyTo, copyToText);
  const cleanupPaths = lines(read(SETTING.CleanupPaths)).map(p => parseStorePath(names.CleanupPaths, p));
  if (imageStorePath !== '') checkStorePathsApart(imageStorePath, copyTo, cleanupPaths, names);
  const apiVersion = (read(SETTING.ApiVersion) || '6.0').trim();
  if (!/^\d+\.\d+(-preview(\.\d+)?)?$/.test(apiVersion)) {
    throw new InputError(`'${names.ApiVersion}' must look like '6.0' or '7.2-preview', not '${apiVersion}'.`);
  }
  return {
    clusterEndpoint,
    packagePath,
    imageStorePath,
    include,
    chunkSize: parseChunkSize(read(SETTING.ChunkSize) || '8MiB', names),
    concurrency: parseWholeNumber(names.Concurrency, read(SETTING.Concurrency) || '16', 1, 64),
    overwrite: overwriteText as OverwriteMode,
    copyTo,
    cleanupPaths,
    timeoutSeconds: parseWholeNumber(names.Timeout, read(SETTING.Timeout) || '60', 1, 4294967295),
    retries: parseWholeNumber(names.Retries, read(SETTING.Retries) || '5', 1, 100),
    apiVersion,
    dryRun: parseBoolean(names.DryRun, read(SETTING.DryRun)),
    security
  };
}

/** 'copy-to' and 'cleanup-paths' must not overlap the destination (checked again once a default destination is derived). */
export function checkStorePathsApart(imageStorePath: string, copyTo: string | undefined, cleanupPaths: readonly string[], names: SettingNames): void {
  // Compared as a Windows cluster compares (case-insensitively, either separator): the action does
  // not know the cluster's OS yet, and that comparison finds every clash a cluster could see.
  if (copyTo !== undefined && (isSameOrBeneath(copyTo, imageStorePath, AS_WINDOWS) || isSameOrBeneath(imageStorePath, copyTo, AS_WINDOWS))) {
    throw new InputError(`'${names.CopyTo}' ('${copyTo}') must be outside '${names.ImageStorePath}' ('${imageStorePath}') and not contain it.`);
  }
  for (const p of cleanupPaths) {
    for (const [name, kept] of [
      [names.ImageStorePath, imageStorePath],
      [names.CopyTo, copyTo]
    ] as const) {
      if (kept === undefined) continue;
      if (isSameOrBeneath(kept, p, AS_WINDOWS)) {
        throw new InputError(`'${names.CleanupPaths}' names '${p}', which would delete what '${name}' ('${kept}') just uploaded.`);
      }
      if (isSameOrBeneath(p, kept, AS_WINDOWS)) {
        throw new InputError(
          `'${names.CleanupPaths}' names '${p}', which lies inside '${name}' ('${kept}') and would delete part of what was just uploaded: remove it from '${names.CleanupPaths}'.`
        );
      }
    }
  }
}
