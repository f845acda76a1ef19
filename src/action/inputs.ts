// The action's inputs: names in one place, read and validated once, before any request is sent.
import * as core from '@actions/core';
import * as path from 'node:path';
import { isReservedRoot } from '../protocol/error-codes.js';
import { windowsNameProblem } from '../package/store-names.js';
import { AS_WINDOWS, isSameOrBeneath, normalizeStorePath, storePathSegments } from '../protocol/store-path.js';

export const Input = {
  ClusterEndpoint: 'cluster-endpoint',
  PackagePath: 'package-path',
  ImageStorePath: 'image-store-path',
  Include: 'include',
  ChunkSize: 'chunk-size',
  Concurrency: 'concurrency',
  Overwrite: 'overwrite',
  CopyTo: 'copy-to',
  CleanupPaths: 'cleanup-paths',
  Timeout: 'timeout',
  Retries: 'retries',
  ApiVersion: 'api-version',
  DryRun: 'dry-run',
  ClientCertificate: 'client-certificate',
  ClientKey: 'client-key',
  ClientCertificatePassword: 'client-certificate-password',
  ServerCertificateThumbprint: 'server-certificate-thumbprint',
  ServerCommonName: 'server-common-name',
  CaCertificate: 'ca-certificate',
  InsecureSkipTlsVerify: 'insecure-skip-tls-verify',
  AadToken: 'aad-token',
  AzureClientId: 'azure-client-id',
  AzureTenantId: 'azure-tenant-id',
  AzureClientSecret: 'azure-client-secret'
} as const;

/** Inputs whose values are secrets: masked before anything else happens. */
const SECRET_INPUTS = [Input.ClientCertificate, Input.ClientKey, Input.ClientCertificatePassword, Input.AadToken, Input.AzureClientSecret];

export const OVERWRITE_MODES = ['replace', 'merge', 'skip', 'fail'] as const;
export type OverwriteMode = (typeof OVERWRITE_MODES)[number];

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const MIN_CHUNK_SIZE = 64 * KiB;
export const MAX_CHUNK_SIZE = GiB;

export interface UploadInputs {
  /** The HTTP gateway, without a trailing slash: `https://host:19080`. */
  clusterEndpoint: string;
  /** Absolute local folder of the application package. */
  packagePath: string;
  /**
   * Destination folder in the store, `a/b` form. Empty when the input is not set: the action then
   * derives it from ApplicationManifest.xml once the package is validated (default-destination.ts).
   */
  imageStorePath: string;
  /** 'image-store-path' was not set: imageStorePath is derived from the manifest. */
  imageStorePathDefaulted: boolean;
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
  security: SecurityInputs;
}

/** How to reach a secured cluster (protocol reference §6). */
export interface SecurityInputs {
  /** PEM text (certificate, and key unless clientKey has it), base64 PFX, or a path to either. */
  clientCertificate?: string;
  clientKey?: string;
  clientCertificatePassword?: string;
  /** SHA-1 thumbprints, upper-case hex without separators. */
  serverThumbprints: string[];
  serverCommonName?: string;
  caCertificate?: string;
  insecureSkipTlsVerify: boolean;
  aadToken?: string;
  azureClientId?: string;
  azureTenantId?: string;
  azureClientSecret?: string;
}

/** A bad input: the message names the input and what it accepts. */
export class InputError extends Error {
  override name = 'InputError';
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

export function formatBytes(bytes: number): string {
  if (bytes < KiB) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / KiB;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
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

export function parseEndpoint(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') {
    throw new InputError(
      `'${Input.ClusterEndpoint}' is required: the cluster's HTTP gateway, such as 'https://mycluster.westeurope.cloudapp.azure.com:19080'.`
    );
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InputError(`'${Input.ClusterEndpoint}' is not a URL: '${trimmed}'. Expected 'https://<host>:19080' or 'http://<host>:19080'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`'${Input.ClusterEndpoint}' must use https:// or http://, not '${url.protocol}'.`);
  }
  if (url.username || url.password) {
    throw new InputError(`'${Input.ClusterEndpoint}' must not carry credentials: use the certificate or token inputs.`);
  }
  if (url.search || url.hash) {
    throw new InputError(`'${Input.ClusterEndpoint}' must not have a query or fragment: '${trimmed}'.`);
  }
  // Every route is built from the gateway's root (`/ImageStore/…`): a path would put the package
  // under a wrong folder (`…/ImageStore/ImageStore/App`) or at a wrong server.
  if (url.pathname.replace(/\/+$/, '') !== '') {
    throw new InputError(
      `'${Input.ClusterEndpoint}' must be the gateway's address without a path ('${url.protocol}//${url.host}'), not '${trimmed}': the action adds '/ImageStore/…' itself.`
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

export function parseChunkSize(value: string): number {
  const bytes = parseByteSize(value);
  const range = `from 64KiB to 1GiB (a byte count, or a number with KiB, MiB, GiB, KB, MB or GB)`;
  if (bytes === undefined) throw new InputError(`'${Input.ChunkSize}' must be a size ${range}, not '${value}'.`);
  if (bytes < MIN_CHUNK_SIZE || bytes > MAX_CHUNK_SIZE) {
    throw new InputError(`'${Input.ChunkSize}' must be ${range}, not '${value}'.`);
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

/** Masks a secret, and each of its lines (the runner may not match a multi-line value whole). */
export function maskSecret(value: string): void {
  if (value.trim() === '') return;
  core.setSecret(value);
  for (const line of value.split(/\r?\n/)) {
    if (line.trim().length >= 8 && !/^-----(BEGIN|END) /.test(line.trim())) core.setSecret(line.trim());
  }
}

function optional(value: string): string | undefined {
  return value.trim() === '' ? undefined : value.trim();
}

export function parseThumbprints(value: string): string[] {
  const thumbprints = value
    .split(',')
    .map(t => t.replace(/[\s:]/g, '').toUpperCase())
    .filter(t => t !== '');
  for (const t of thumbprints) {
    if (!/^[0-9A-F]{40}$/.test(t)) {
      throw new InputError(
        `'${Input.ServerCertificateThumbprint}' must be SHA-1 thumbprints (40 hex digits; spaces and colons are ignored; comma-separated), not '${t}'.`
      );
    }
  }
  return thumbprints;
}

export function parseSecurityInputs(read: (name: string) => string, endpoint: string): SecurityInputs {
  const security: SecurityInputs = {
    clientCertificate: optional(read(Input.ClientCertificate)),
    clientKey: optional(read(Input.ClientKey)),
    clientCertificatePassword: read(Input.ClientCertificatePassword) === '' ? undefined : read(Input.ClientCertificatePassword),
    serverThumbprints: parseThumbprints(read(Input.ServerCertificateThumbprint)),
    serverCommonName: optional(read(Input.ServerCommonName)),
    caCertificate: optional(read(Input.CaCertificate)),
    insecureSkipTlsVerify: parseBoolean(Input.InsecureSkipTlsVerify, read(Input.InsecureSkipTlsVerify)),
    aadToken: optional(read(Input.AadToken)),
    azureClientId: optional(read(Input.AzureClientId)),
    azureTenantId: optional(read(Input.AzureTenantId)),
    azureClientSecret: optional(read(Input.AzureClientSecret))
  };
  const pinned = security.serverThumbprints.length > 0 || security.serverCommonName !== undefined;
  if (pinned && security.insecureSkipTlsVerify) {
    throw new InputError(
      `Only one of '${Input.ServerCertificateThumbprint}'/'${Input.ServerCommonName}' or '${Input.InsecureSkipTlsVerify}' can be set: checking the cluster's certificate and accepting any certificate contradict each other.`
    );
  }
  const servicePrincipal = security.azureClientId ?? security.azureTenantId ?? security.azureClientSecret;
  if (security.aadToken !== undefined && servicePrincipal !== undefined) {
    throw new InputError(
      `Only one of '${Input.AadToken}' or '${Input.AzureClientId}'/'${Input.AzureTenantId}'/'${Input.AzureClientSecret}' can be set: give a ready token, or a service principal to get one.`
    );
  }
  if (servicePrincipal !== undefined && (security.azureClientId === undefined || security.azureTenantId === undefined)) {
    throw new InputError(
      `'${Input.AzureClientId}' and '${Input.AzureTenantId}' go together: a service principal needs both (and '${Input.AzureClientSecret}', or GitHub OIDC without it).`
    );
  }
  if (security.insecureSkipTlsVerify && (security.aadToken !== undefined || servicePrincipal !== undefined)) {
    // Without a checked server, whoever answers could name its own login authority (and collect a
    // service principal's secret or GitHub's OIDC token) or simply keep the bearer token.
    throw new InputError(
      `Azure AD credentials ('${security.aadToken !== undefined ? Input.AadToken : Input.AzureClientId}') cannot be used with '${Input.InsecureSkipTlsVerify}': an unchecked server could take the token or the secret; pin the cluster with '${Input.ServerCertificateThumbprint}' or '${Input.ServerCommonName}' instead.`
    );
  }
  if (security.clientKey !== undefined && security.clientCertificate === undefined) {
    throw new InputError(`'${Input.ClientKey}' is set without '${Input.ClientCertificate}': give the certificate the key belongs to.`);
  }
  if (security.clientCertificatePassword !== undefined && security.clientCertificate === undefined) {
    throw new InputError(`'${Input.ClientCertificatePassword}' is set without '${Input.ClientCertificate}': give the certificate it unlocks.`);
  }
  if (endpoint.startsWith('http://')) {
    if (security.clientCertificate !== undefined) {
      throw new InputError(
        `'${Input.ClientCertificate}' needs an https:// '${Input.ClusterEndpoint}': a client certificate is presented in the TLS handshake, and '${endpoint}' has none.`
      );
    }
    if (security.aadToken !== undefined || servicePrincipal !== undefined) {
      throw new InputError(`Azure AD credentials need an https:// '${Input.ClusterEndpoint}': a bearer token must not travel in clear text to '${endpoint}'.`);
    }
    if (pinned || security.caCertificate !== undefined || security.insecureSkipTlsVerify) {
      throw new InputError(`The server certificate inputs only apply to an https:// '${Input.ClusterEndpoint}', not '${endpoint}'.`);
    }
  }
  return security;
}

/** Reads the inputs through `core.getInput`: what the runner passes as `INPUT_<NAME>`. */
export function getInputs(read: (name: string) => string = name => core.getInput(name)): UploadInputs {
  for (const name of SECRET_INPUTS) maskSecret(read(name));
  const clusterEndpoint = parseEndpoint(read(Input.ClusterEndpoint));
  const security = parseSecurityInputs(read, clusterEndpoint);
  const packagePathText = read(Input.PackagePath).trim();
  if (packagePathText === '') {
    throw new InputError(`'${Input.PackagePath}' is required: the local folder of the application package (the folder holding ApplicationManifest.xml).`);
  }
  const packagePath = path.resolve(packagePathText);
  const imageStorePathText = read(Input.ImageStorePath);
  const imageStorePathDefaulted = imageStorePathText.trim() === '';
  const imageStorePath = imageStorePathDefaulted ? '' : parseStorePath(Input.ImageStorePath, imageStorePathText);
  const include = lines(read(Input.Include) || '**');
  if (include.every(p => p.startsWith('!'))) {
    throw new InputError(`'${Input.Include}' has only exclusions ('!…'): add at least one pattern that selects files, such as '**'.`);
  }
  const overwriteText = (read(Input.Overwrite) || 'replace').trim();
  if (!(OVERWRITE_MODES as readonly string[]).includes(overwriteText)) {
    throw new InputError(`'${Input.Overwrite}' must be one of ${OVERWRITE_MODES.join(', ')}, not '${overwriteText}'.`);
  }
  const copyToText = read(Input.CopyTo);
  const copyTo = copyToText.trim() === '' ? undefined : parseStorePath(Input.CopyTo, copyToText);
  const cleanupPaths = lines(read(Input.CleanupPaths)).map(p => parseStorePath(Input.CleanupPaths, p));
  if (!imageStorePathDefaulted) checkStorePathsApart(imageStorePath, copyTo, cleanupPaths);
  const apiVersion = (read(Input.ApiVersion) || '6.0').trim();
  if (!/^\d+\.\d+(-preview(\.\d+)?)?$/.test(apiVersion)) {
    throw new InputError(`'${Input.ApiVersion}' must look like '6.0' or '7.2-preview', not '${apiVersion}'.`);
  }
  return {
    clusterEndpoint,
    packagePath,
    imageStorePath,
    imageStorePathDefaulted,
    include,
    chunkSize: parseChunkSize(read(Input.ChunkSize) || '8MiB'),
    concurrency: parseWholeNumber(Input.Concurrency, read(Input.Concurrency) || '16', 1, 64),
    overwrite: overwriteText as OverwriteMode,
    copyTo,
    cleanupPaths,
    timeoutSeconds: parseWholeNumber(Input.Timeout, read(Input.Timeout) || '60', 1, 4294967295),
    retries: parseWholeNumber(Input.Retries, read(Input.Retries) || '5', 1, 100),
    apiVersion,
    dryRun: parseBoolean(Input.DryRun, read(Input.DryRun)),
    security
  };
}

/** 'copy-to' and 'cleanup-paths' must not overlap the destination (checked again once a default destination is derived). */
export function checkStorePathsApart(imageStorePath: string, copyTo: string | undefined, cleanupPaths: string[]): void {
  // Compared as a Windows cluster compares (case-insensitively, either separator): the action does
  // not know the cluster's OS yet, and that comparison finds every clash a cluster could see.
  if (copyTo !== undefined && (isSameOrBeneath(copyTo, imageStorePath, AS_WINDOWS) || isSameOrBeneath(imageStorePath, copyTo, AS_WINDOWS))) {
    throw new InputError(`'${Input.CopyTo}' ('${copyTo}') must be outside '${Input.ImageStorePath}' ('${imageStorePath}') and not contain it.`);
  }
  for (const p of cleanupPaths) {
    for (const [name, kept] of [
      [Input.ImageStorePath, imageStorePath],
      [Input.CopyTo, copyTo]
    ] as const) {
      if (kept === undefined) continue;
      if (isSameOrBeneath(kept, p, AS_WINDOWS)) {
        throw new InputError(`'${Input.CleanupPaths}' names '${p}', which would delete what '${name}' ('${kept}') just uploaded.`);
      }
      if (isSameOrBeneath(p, kept, AS_WINDOWS)) {
        throw new InputError(
          `'${Input.CleanupPaths}' names '${p}', which lies inside '${name}' ('${kept}') and would delete part of what was just uploaded: remove it from '${Input.CleanupPaths}'.`
        );
      }
    }
  }
}
