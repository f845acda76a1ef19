// The ExternalStore path's front door: credentials for the container, the group in the log, the
// outputs; the work is in src/azure/. main.ts calls stageInBlobStorage() in place of the Image
// Store upload when 'blob-container-url' is set.
import * as core from '@actions/core';
import type { BlobCredential } from '../azure/blob-store.js';
import { servicePrincipalToken, TransportNetworkModule } from '../cluster/auth/aad-token.js';
import { trustedCas } from '../cluster/auth/server-verification.js';
import { clientWaitMs } from '../cluster/gateway-client.js';
import { HttpTransport } from '../cluster/transport.js';
import type { ReleasePlan } from '../deploy/release-plan.js';
import { temporaryBase } from '../package/compress-package.js';
import type { ScannedPackage } from '../package/package-scan.js';
import type { BlobInputs } from './blob-inputs.js';
import type { UploadInputs } from './inputs.js';
import type { ImageStoreClient } from '../cluster/store-client.js';

export const BlobOutput = {
  PackageUrl: 'package-url',
  BlobResult: 'blob-result'
} as const;

/** The Azure AD token's scope for Blob storage, in every cloud. */
const STORAGE_RESOURCE = 'https://storage.azure.com';
/** The read SAS outlives the release's deadline by this much: the cluster may retry its download. */
const SAS_MARGIN_MS = 15 * 60_000;

/**
 * The authority the cluster names in its Azure AD metadata (the tenant's, trusted as for the
 * cluster's own token), else the login host of the cloud the storage account is in.
 */
async function loginHost(cluster: ImageStoreClient, blob: BlobInputs): Promise<string> {
  const metadata = await cluster.aadMetadata().catch(() => undefined);
  if (metadata?.type === 'aad' && metadata.metadata?.login) return metadata.metadata.login;
  const host = new URL(blob.location.serviceUrl).hostname;
  if (host.endsWith('.usgovcloudapi.net')) return 'https://login.microsoftonline.us';
  if (host.endsWith('.chinacloudapi.cn')) return 'https://login.chinacloudapi.cn';
  return 'https://login.microsoftonline.com';
}

/**
 * Builds the `.sfpkg`, uploads it (or reuses the blob), and points the release's provision at it.
 * Returns a dispose function for the connections it opened (after the release: the blob may be deleted then).
 */
export async function stageInBlobStorage(
  blob: BlobInputs,
  inputs: UploadInputs,
  plan: ReleasePlan,
  pkg: ScannedPackage,
  cluster: ImageStoreClient,
  signal: AbortSignal
): Promise<() => void> {
  const transport = new HttpTransport({ userAgent: 'service-fabric-upload-action', maxSockets: 2, expectContinue: 'never', tls: tlsOf(inputs) });
  try {
    let credential: BlobCredential;
    if (blob.sas !== undefined) {
      credential = { kind: 'sas', sas: blob.sas };
    } else {
      const network = new TransportNetworkModule(() => transport, clientWaitMs(inputs.timeoutSeconds));
      const tokens = await servicePrincipalToken(inputs.security, { cluster: STORAGE_RESOURCE, login: await loginHost(cluster, blob) }, network);
      // msal answers from its cache until shortly before expiry; the SDK asks again after this.
      credential = { kind: 'azure-ad', token: async () => ({ token: await tokens.token(), expiresOnTimestamp: Date.now() + 5 * 60_000 }) };
    }
    // Loaded only on this path: @azure/storage-blob is most of its chunk of dist/.
    const { BlobPackageStore } = await import('../azure/blob-store.js');
    const { stageSfpkg } = await import('../azure/stage-sfpkg.js');
    const store = new BlobPackageStore(blob.location, credential, { log: line => core.info(line), secret: value => core.setSecret(value) });
    const staged = await core.group(`Put ${plan.typeName} ${plan.typeVersion} as an .sfpkg in ${blob.location.containerUrl}`, () =>
      stageSfpkg(store, {
        pkg,
        typeName: plan.typeName,
        typeVersion: plan.typeVersion,
        manifest: plan.identity.manifest,
        blobName: blob.blobName,
        deleteBlob: blob.deleteBlob,
        tempBase: temporaryBase(),
        expiresOn: new Date(Date.now() + plan.deployTimeoutSeconds * 1000 + SAS_MARGIN_MS),
        signal,
        log: line => core.info(line)
      })
    );
    plan.externalStore = staged.source;
    core.setOutput(BlobOutput.PackageUrl, staged.source.shownAs);
    core.setOutput(BlobOutput.BlobResult, staged.result);
    return () => transport.dispose();
  } catch (err) {
    transport.dispose();
    throw err;
  }
}

function tlsOf(inputs: UploadInputs) {
  const ca = trustedCas(inputs.security.caCertificate);
  return ca ? { agentOptions: { ca, rejectUnauthorized: true } } : undefined;
}
