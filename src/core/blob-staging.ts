// The Blob storage path: credentials for the container, the log group, the record; the
// work is in src/azure/. runRelease calls stageInBlobStorage() in place of the Image Store upload
// when the job has a `blob` part.
import type { BlobCredential, BlobPackageStore } from '../azure/blob-store.js';
import type { BlobSpec } from '../azure/blob-spec.js';
import type { StageRequest } from '../azure/stage-sfpkg.js';
import { servicePrincipalToken, TransportNetworkModule } from '../cluster/auth/aad-token.js';
import { trustedCas } from '../cluster/auth/server-verification.js';
import type { ClusterTarget } from '../cluster/cluster-target.js';
import { clientWaitMs } from '../cluster/gateway-client.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import { HttpTransport } from '../cluster/transport.js';
import { ReleaseError } from '../deploy/polling.js';
import type { ReleasePlan } from '../deploy/release-plan.js';
import { temporaryBase } from '../util/work-folder.js';
import type { ScannedPackage } from '../package/package-scan.js';
import type { UploadRecord } from '../upload/upload-record.js';
import type { Reporter } from '../util/reporter.js';
import type { SettingNames } from '../util/settings.js';

/** The Azure AD token's scope for Blob storage, in every cloud. */
const STORAGE_RESOURCE = 'https://storage.azure.com';
/** The read SAS outlives the release's deadline by this much: the cluster may retry its download. */
const SAS_MARGIN_MS = 15 * 60_000;

export interface BlobStagingContext {
  cluster: ClusterTarget;
  /** The Azure AD authority for the storage token (the cluster's, or the ARM endpoint's cloud's). */
  loginHost: (blob: BlobSpec) => Promise<string>;
  record: UploadRecord;
  reporter: Reporter;
  names: SettingNames;
  signal: AbortSignal;
  /** The gateway path's folder for this cluster in the default blob name (clusterBlobScope); undefined through ARM. */
  clusterScope?: string;
}

/**
 * Builds the `.sfpkg`, uploads it (or reuses the blob), and points the release's provision at it.
 * Returns a dispose function for the connections it opened (after the release: the blob may be deleted then).
 */
export async function stageInBlobStorage(blob: BlobSpec, plan: ReleasePlan, pkg: ScannedPackage, context: BlobStagingContext): Promise<() => void> {
  const { reporter } = context;
  const { store, dispose } = await openBlobStore(blob, context);
  try {
    const { stageSfpkg } = await import('../azure/stage-sfpkg.js');
    const staged = await reporter.group(`Put ${plan.typeName} ${plan.typeVersion} as an .sfpkg in ${blob.location.containerUrl}`, () =>
      stageSfpkg(store, {
        ...sfpkgRequest(blob, plan, pkg, context),
        deleteBlob: blob.deleteBlob,
        expiresOn: new Date(Date.now() + plan.deployTimeoutSeconds * 1000 + SAS_MARGIN_MS)
      })
    );
    plan.externalStore = staged.source;
    context.record.packageUrl = staged.source.shownAs;
    context.record.blobResult = staged.result;
    return dispose;
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * For a type version provisioned already (a provisioned version never changes): confirms that this
 * package is the one it was provisioned from, by the blob it was staged in, without uploading or
 * replacing anything. Other content is refused; nothing to compare with is a warning.
 */
export async function confirmProvisionedPackage(
  blob: BlobSpec,
  plan: ReleasePlan,
  pkg: ScannedPackage,
  context: BlobStagingContext,
  provisionedFrom: string | undefined
): Promise<void> {
  const { reporter, names } = context;
  const { store, dispose } = await openBlobStore(blob, context);
  try {
    const { compareWithProvisioned } = await import('../azure/stage-sfpkg.js');
    const what = `${plan.typeName} ${plan.typeVersion}`;
    const found = await reporter.group(`Compare this package with the .sfpkg ${what} was provisioned from`, () =>
      compareWithProvisioned(store, sfpkgRequest(blob, plan, pkg, context), provisionedFrom)
    );
    const bumpVersions = `give the changed packages and the type new versions, or use '${names.VersionStamp}: content'`;
    if (found.verdict === 'other') {
      const blobHash = found.blob?.sha256 ?? `not recorded, ${found.blob?.size} bytes`;
      throw new ReleaseError(
        `${what} is provisioned from another package (the blob's SHA-256 ${blobHash}, this package's ${found.sha256}): a provisioned version never changes: ${bumpVersions}. Nothing was uploaded or changed.`
      );
    }
    if (found.verdict === 'unconfirmed') {
      reporter.warning(
        `${what} is provisioned already, and ${found.reason}, so the step cannot confirm that it holds this package (a provisioned version never changes; with '${names.DeleteBlob}: true' its blob is deleted): it goes on with the provisioned version. If the package changed, ${bumpVersions}.`
      );
      return;
    }
    reporter.info(`${found.shownAs} holds this very package (SHA-256 ${found.sha256}): ${what} is provisioned from it.`);
    context.record.packageUrl = found.shownAs;
    context.record.blobResult = 'reused';
  } finally {
    dispose();
  }
}

/**
 * For a type version whose resource records the SHA-256 of the `.sfpkg` it was provisioned from (ARM's
 * tag, written by the action when it provisioned it): compares this package's `.sfpkg` with that hash.
 * The container is not read: what the blob holds now (overwritten by hand, or by a release to another
 * cluster) does not matter. Other content is refused before any write.
 */
export async function confirmByRecordedHash(
  blob: BlobSpec,
  plan: ReleasePlan,
  pkg: ScannedPackage,
  context: BlobStagingContext,
  recorded: { sha256: string; where: string; provisionedFrom: string | undefined }
): Promise<void> {
  const { reporter, names } = context;
  const { compareWithRecordedHash, withoutQuery } = await import('../azure/stage-sfpkg.js');
  const what = `${plan.typeName} ${plan.typeVersion}`;
  const found = await reporter.group(`Compare this package with the .sfpkg ${what} was provisioned from`, () =>
    compareWithRecordedHash(sfpkgRequest(blob, plan, pkg, context), recorded.sha256)
  );
  if (found.verdict === 'other') {
    throw new ReleaseError(
      `${what} is provisioned from another package (SHA-256 ${recorded.sha256} recorded in ${recorded.where}, this package's ${found.sha256}): a provisioned version never changes: give the changed packages and the type new versions, or use '${names.VersionStamp}: content'. Nothing was uploaded or changed.`
    );
  }
  reporter.info(`${what} was provisioned from this very package (SHA-256 ${found.sha256}, recorded in ${recorded.where}).`);
  const from = recorded.provisionedFrom === undefined ? undefined : withoutQuery(recorded.provisionedFrom);
  if (from !== undefined) context.record.packageUrl = from;
  context.record.blobResult = 'reused';
}

/** What this package's `.sfpkg` is built from and named by, to stage it or to compare it. */
function sfpkgRequest(blob: BlobSpec, plan: ReleasePlan, pkg: ScannedPackage, context: BlobStagingContext): Omit<StageRequest, 'deleteBlob' | 'expiresOn'> {
  return {
    pkg,
    typeName: plan.typeName,
    typeVersion: plan.typeVersion,
    manifest: plan.identity.manifest,
    blobName: blob.blobName,
    clusterScope: context.clusterScope,
    tempBase: temporaryBase(),
    signal: context.signal,
    log: line => context.reporter.info(line)
  };
}

/** The container with the job's credential: a given SAS, or Azure AD tokens from the context's authority. */
async function openBlobStore(blob: BlobSpec, context: BlobStagingContext): Promise<{ store: BlobPackageStore; dispose: () => void }> {
  const { cluster, reporter, names } = context;
  const ca = trustedCas(cluster.security.caCertificate);
  const transport = new HttpTransport({
    userAgent: 'service-fabric-upload-action',
    maxSockets: 2,
    expectContinue: 'never',
    tls: ca ? { agentOptions: { ca, rejectUnauthorized: true } } : undefined
  });
  try {
    let credential: BlobCredential;
    if (blob.sas !== undefined) {
      credential = { kind: 'sas', sas: blob.sas };
    } else {
      const network = new TransportNetworkModule(() => transport, clientWaitMs(cluster.timeoutSeconds));
      const login = await context.loginHost(blob);
      const tokens = await servicePrincipalToken(cluster.security, { cluster: STORAGE_RESOURCE, login }, network, { reporter, names });
      // msal answers from its cache until shortly before expiry; the SDK asks again after this.
      credential = { kind: 'azure-ad', token: async () => ({ token: await tokens.token(), expiresOnTimestamp: Date.now() + 5 * 60_000 }) };
    }
    // Loaded only on this path: @azure/storage-blob is most of its chunk of dist/.
    const { BlobPackageStore } = await import('../azure/blob-store.js');
    const store = new BlobPackageStore(blob.location, credential, { log: line => reporter.info(line), secret: value => reporter.setSecret(value) });
    return { store, dispose: () => transport.dispose() };
  } catch (err) {
    transport.dispose();
    throw err;
  }
}

/**
 * The authority the cluster names in its Azure AD metadata (the tenant's, trusted as for the
 * cluster's own token), else the login host of the cloud the storage account is in.
 */
export async function clusterLoginHost(cluster: ImageStoreClient, blob: BlobSpec): Promise<string> {
  const metadata = await cluster.aadMetadata().catch(() => undefined);
  if (metadata?.type === 'aad' && metadata.metadata?.login) return metadata.metadata.login;
  const host = new URL(blob.location.serviceUrl).hostname;
  if (host.endsWith('.usgovcloudapi.net')) return 'https://login.microsoftonline.us';
  if (host.endsWith('.chinacloudapi.cn')) return 'https://login.chinacloudapi.cn';
  return 'https://login.microsoftonline.com';
}
