// The `.sfpkg` in Blob storage through @azure/storage-blob (parallel block upload, its own retries,
// progress): upload it unless the same bytes are there already, give the cluster a read URL, delete it.
import { AnonymousCredential, BlobSASPermissions, BlobServiceClient, ContainerClient, generateBlobSASQueryParameters, SASProtocol } from '@azure/storage-blob';
import type { ContainerLocation } from './blob-location.js';
import type { SasToken } from './sas.js';

const USER_DELEGATION_SAS_VERSION = '2025-07-05';

/** Metadata names the action writes on the blob: the SHA-256 and size of the `.sfpkg` it uploaded. */
const HASH_METADATA = 'sfusha256';

/** How the action reaches the container: a SAS given as a secret, or Azure AD tokens for the storage scope. */
export type BlobCredential = { kind: 'sas'; sas: SasToken } | { kind: 'azure-ad'; token: () => Promise<{ token: string; expiresOnTimestamp: number }> };

export interface BlobReporter {
  log(line: string): void;
  /** Registers a secret (the SAS the cluster gets) before anything can print it. */
  secret(value: string): void;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Bytes per block and blocks in flight. */
  blockSize?: number;
  concurrency?: number;
}

export class BlobPackageStore {
  private readonly container: ContainerClient;

  constructor(
    private readonly location: ContainerLocation,
    private readonly credential: BlobCredential,
    private readonly reporter: BlobReporter
  ) {
    const retryOptions = { maxTries: 4 };
    if (credential.kind === 'sas') {
      this.container = new ContainerClient(`${location.containerUrl}?${credential.sas.query}`, new AnonymousCredential(), { retryOptions });
    } else {
      this.container = new ContainerClient(location.containerUrl, tokenCredential(credential.token), { retryOptions });
    }
  }

  blobUrl(blobName: string): string {
    return this.container.getBlockBlobClient(blobName).url.split('?')[0]!;
  }

  /**
   * Uploads `file` as `blobName`, unless the blob holds the same bytes already (the SHA-256 and the
   * size the action recorded when it uploaded them). Returns what it did.
   */
  async ensureUploaded(file: { path: string; size: number; sha256: string }, blobName: string, options: UploadOptions = {}): Promise<'uploaded' | 'reused'> {
    const blob = this.container.getBlockBlobClient(blobName);
    const existing = await this.describe(blobName, options.signal);
    if (existing !== undefined) {
      if (holdsSameBytes(existing, file)) {
        this.reporter.log(`${this.blobUrl(blobName)} holds this very package already (SHA-256 ${file.sha256}): not uploaded again.`);
        return 'reused';
      }
      this.reporter.log(
        `${this.blobUrl(blobName)} exists with other content (${existing.sha256 ? `SHA-256 ${existing.sha256}` : 'not uploaded by this action'}): replacing it.`
      );
    }
    let lastShown = 0;
    const started = Date.now();
    await blob.uploadFile(file.path, {
      abortSignal: options.signal,
      blockSize: options.blockSize ?? 8 * 1024 * 1024,
      concurrency: options.concurrency ?? 4,
      metadata: { [HASH_METADATA]: file.sha256 },
      blobHTTPHeaders: { blobContentType: 'application/zip' },
      onProgress: p => {
        const now = Date.now();
        if (now - lastShown < 5000) return;
        lastShown = now;
        this.reporter.log(`Uploaded ${p.loadedBytes} of ${file.size} bytes (${Math.round((100 * p.loadedBytes) / Math.max(1, file.size))}%).`);
      }
    });
    this.reporter.log(`Uploaded ${file.size} bytes to ${this.blobUrl(blobName)} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 'uploaded';
  }

  /** The blob's size and the SHA-256 the action recorded when it uploaded it (none if another tool did); undefined if there is no such blob. */
  async describe(blobName: string, signal?: AbortSignal): Promise<StoredBlob | undefined> {
    const existing = await this.container
      .getBlockBlobClient(blobName)
      .getProperties({ abortSignal: signal })
      .catch((err: unknown) => {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      });
    if (existing === undefined) return undefined;
    return { size: existing.contentLength ?? -1, sha256: existing.metadata?.[HASH_METADATA] };
  }

  /**
   * The URL the cluster downloads from. With Azure AD: a user delegation SAS for this blob alone,
   * read-only, valid from a few minutes ago (clock skew) until `expiresOn`. With a given SAS: the
   * blob's URL with that SAS (its own permissions and expiry; it was checked to allow reading).
   * The SAS is registered as a secret before this returns.
   */
  async downloadUrl(blobName: string, expiresOn: Date, signal?: AbortSignal): Promise<string> {
    let query: string;
    if (this.credential.kind === 'sas') {
      query = this.credential.sas.query;
    } else {
      // Whole seconds: the SAS carries the key's times to the second, and the service derives the key again from them.
      const startsOn = wholeSeconds(new Date(Date.now() - 5 * 60_000));
      expiresOn = wholeSeconds(expiresOn);
      const service = new BlobServiceClient(this.location.serviceUrl, tokenCredential(this.credential.token), { retryOptions: { maxTries: 4 } });
      const key = await service.getUserDelegationKey(startsOn, expiresOn, { abortSignal: signal });
      const sas = generateBlobSASQueryParameters(
        {
          containerName: this.location.containerName,
          blobName,
          permissions: BlobSASPermissions.parse('r'),
          startsOn,
          expiresOn,
          // A service version every Azure Storage endpoint verifies, and Azurite 3.35 too (the SDK's
          // default, 2026-10-06, signs a newer string that Azurite does not know yet).
          version: USER_DELEGATION_SAS_VERSION,
          protocol: this.location.serviceUrl.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp
        },
        key,
        this.location.accountName
      );
      query = sas.toString();
      if (sas.signature) this.reporter.secret(sas.signature);
      this.reporter.secret(encodeURIComponent(sas.signature));
    }
    this.reporter.secret(query);
    return `${this.blobUrl(blobName)}?${query}`;
  }

  /** Deletes the blob; gone already is fine. */
  async delete(blobName: string, signal?: AbortSignal): Promise<void> {
    await this.container.getBlockBlobClient(blobName).deleteIfExists({ abortSignal: signal });
  }
}

export interface StoredBlob {
  size: number;
  /** Recorded in the blob's metadata at upload; undefined if the blob was not uploaded by this action. */
  sha256: string | undefined;
}

/** The same bytes: the SHA-256 the action recorded at upload and the size both match. */
export function holdsSameBytes(blob: StoredBlob, file: { size: number; sha256: string }): boolean {
  return blob.sha256 === file.sha256 && blob.size === file.size;
}

/** The shape of @azure/core-auth's TokenCredential: the token source already knows its scope. */
function tokenCredential(get: () => Promise<{ token: string; expiresOnTimestamp: number }>): {
  getToken(): Promise<{ token: string; expiresOnTimestamp: number }>;
} {
  return { getToken: async () => get() };
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
