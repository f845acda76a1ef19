// The Blob storage part of a release job: where the `.sfpkg` goes and how the action
// reaches it. Built and checked by a front door; read by src/core/blob-staging.ts.
import type { ContainerLocation } from './blob-location.js';
import type { SasToken } from './sas.js';

export interface BlobSpec {
  location: ContainerLocation;
  /** A SAS given as a secret; undefined: Azure AD (the service principal) for the storage scope. */
  sas: SasToken | undefined;
  /** The blob's name when given (it ends in `.sfpkg`); undefined: the default (sfpkgBlobName, with the cluster's folder on the gateway path). */
  blobName: string | undefined;
  deleteBlob: boolean;
}
