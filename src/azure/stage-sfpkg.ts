// The ExternalStore path before the provision: build the `.sfpkg`, put it in Blob storage (or find
// it there already), and give the release the URL the cluster downloads from.
import type { ScannedPackage } from '../package/package-scan.js';
import type { ExternalStoreSource } from '../deploy/release-plan.js';
import { checkExternalStoreProvision, sfpkgBlobName } from './blob-location.js';
import { type BlobPackageStore, holdsSameBytes, type StoredBlob } from './blob-store.js';
import { buildSfpkg } from './sfpkg.js';

export interface StageRequest {
  /** The package (or its compressed copy) to zip. */
  pkg: ScannedPackage;
  typeName: string;
  typeVersion: string;
  /** What ApplicationManifest.xml declares: checked against typeName/typeVersion offline. */
  manifest: { typeName: string; typeVersion: string };
  /** Undefined: `<Type>/<Type>.<Version>.sfpkg`, or with `clusterScope`, `<Type>/<clusterScope>/<Type>.<Version>.sfpkg`. */
  blobName: string | undefined;
  /** The gateway path's folder for this cluster (clusterBlobScope); undefined on the ARM path, whose version tag records the package. */
  clusterScope?: string;
  deleteBlob: boolean;
  tempBase: string;
  /** When the cluster's read SAS expires (Azure AD only; a given SAS keeps its own expiry). */
  expiresOn: Date;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface StagedSfpkg {
  source: ExternalStoreSource;
  blobName: string;
  result: 'uploaded' | 'reused';
  size: number;
  sha256: string;
}

export async function stageSfpkg(store: BlobPackageStore, request: StageRequest): Promise<StagedSfpkg> {
  const { typeName, typeVersion, log } = request;
  const blobName = request.blobName ?? sfpkgBlobName(typeName, typeVersion, '', request.clusterScope);
  const fileName = blobName.split('/').pop()!;
  checkExternalStoreProvision(`https://check.invalid/${encodeURI(blobName)}`, { typeName, typeVersion }, request.manifest);
  const sfpkg = await buildSfpkg(request.pkg, fileName, request.tempBase, request.signal);
  try {
    log(
      `Built ${fileName}: ${request.pkg.files.length} files, ${sfpkg.size} bytes, SHA-256 ${sfpkg.sha256} (in a temporary folder; the package folder is only read).`
    );
    const result = await store.ensureUploaded(sfpkg, blobName, { signal: request.signal });
    const downloadUrl = await store.downloadUrl(blobName, request.expiresOn, request.signal);
    checkExternalStoreProvision(downloadUrl, { typeName, typeVersion }, request.manifest);
    const shownAs = store.blobUrl(blobName);
    log(`The cluster downloads ${shownAs} with a read SAS (masked)${request.deleteBlob ? '; the blob is deleted once the type is provisioned' : ''}.`);
    return {
      blobName,
      result,
      size: sfpkg.size,
      sha256: sfpkg.sha256,
      source: {
        downloadUrl,
        shownAs,
        sha256: sfpkg.sha256,
        afterProvision: async provisionLog => {
          if (!request.deleteBlob) {
            provisionLog(`The .sfpkg stays at ${shownAs}.`);
            return;
          }
          await store.delete(blobName, request.signal);
          provisionLog(`Deleted ${shownAs} ('delete-blob: true'): the cluster keeps its own copy.`);
        }
      }
    };
  } finally {
    await sfpkg.dispose();
  }
}

export interface ProvisionedComparison {
  /** `same`: the blob holds this package's bytes; `other`: other bytes; `unconfirmed`: nothing to compare with (reason says why). */
  verdict: 'same' | 'other' | 'unconfirmed';
  reason?: string;
  shownAs: string;
  sha256: string;
  blob: StoredBlob | undefined;
}

/**
 * For a version provisioned already: builds the `.sfpkg` and compares it with the blob it was staged
 * in (the SHA-256 and size recorded at upload, as ensureUploaded does), without uploading or changing
 * anything. `provisionedFrom` is the version's appPackageUrl, when ARM shows it.
 */
export async function compareWithProvisioned(
  store: BlobPackageStore,
  request: Omit<StageRequest, 'deleteBlob' | 'expiresOn'>,
  provisionedFrom: string | undefined
): Promise<ProvisionedComparison> {
  const { typeName, typeVersion, log } = request;
  let blobName = request.blobName ?? sfpkgBlobName(typeName, typeVersion, '', request.clusterScope);
  let shownAs = store.blobUrl(blobName);
  const sfpkg = await buildSfpkg(request.pkg, blobName.split('/').pop()!, request.tempBase, request.signal);
  try {
    log(`Built the .sfpkg to compare: ${sfpkg.size} bytes, SHA-256 ${sfpkg.sha256} (nothing is uploaded).`);
    const { size, sha256 } = sfpkg;
    const from = provisionedFrom === undefined ? undefined : withoutQuery(provisionedFrom);
    if (from !== undefined && from !== withoutQuery(shownAs)) {
      return { verdict: 'unconfirmed', reason: `it was provisioned from ${from}, not from ${shownAs}`, shownAs, sha256, blob: undefined };
    }
    let blob = await store.describe(blobName, request.signal);
    if (blob === undefined && request.blobName === undefined && request.clusterScope !== undefined) {
      // A version released before the cluster's folder was in the name: its blob has the name without it.
      const unscoped = sfpkgBlobName(typeName, typeVersion);
      blob = await store.describe(unscoped, request.signal);
      if (blob !== undefined) {
        log(`${shownAs} is not there, ${store.blobUrl(unscoped)} is (the name releases used before this cluster's folder was part of it): compared with it.`);
        blobName = unscoped;
        shownAs = store.blobUrl(unscoped);
      }
    }
    if (blob === undefined) return { verdict: 'unconfirmed', reason: `${shownAs} is not there`, shownAs, sha256, blob };
    if (holdsSameBytes(blob, sfpkg)) return { verdict: 'same', shownAs, sha256, blob };
    // Without the hash recorded at upload, only a size difference proves other bytes.
    if (blob.sha256 === undefined && blob.size === size) {
      return { verdict: 'unconfirmed', reason: `${shownAs} was not uploaded by this action (no SHA-256 recorded)`, shownAs, sha256, blob };
    }
    return { verdict: 'other', shownAs, sha256, blob };
  } finally {
    await sfpkg.dispose();
  }
}

/**
 * For a version whose resource records the SHA-256 of the `.sfpkg` it was provisioned from (ARM's
 * tag): builds the `.sfpkg` and compares the hashes. Nothing is read from the container.
 */
export async function compareWithRecordedHash(
  request: Pick<StageRequest, 'pkg' | 'typeName' | 'typeVersion' | 'blobName' | 'tempBase' | 'signal' | 'log'>,
  recordedSha256: string
): Promise<{ verdict: 'same' | 'other'; sha256: string }> {
  const fileName = (request.blobName ?? sfpkgBlobName(request.typeName, request.typeVersion)).split('/').pop()!;
  const sfpkg = await buildSfpkg(request.pkg, fileName, request.tempBase, request.signal);
  try {
    request.log(`Built the .sfpkg to compare: ${sfpkg.size} bytes, SHA-256 ${sfpkg.sha256} (nothing is uploaded).`);
    return { verdict: sfpkg.sha256 === recordedSha256.toLowerCase() ? 'same' : 'other', sha256: sfpkg.sha256 };
  } finally {
    await sfpkg.dispose();
  }
}

/** The URL's origin and decoded path: a SAS, and differences in percent-encoding, left out. */
export function withoutQuery(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${decodeURIComponent(parsed.pathname)}`;
  } catch {
    return undefined;
  }
}
