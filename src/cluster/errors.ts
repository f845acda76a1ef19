// Errors of the store client: what failed, on which path, how the cluster answered, and what to
// do about it.
import { ErrorCode } from '../protocol/error-codes.js';

export interface FailedOperation {
  /** What was being done, in words: "upload file", "commit upload session". */
  operation: string;
  /** The store path concerned, if any. */
  storePath?: string;
}

export class ImageStoreError extends Error {
  override name = 'ImageStoreError';

  constructor(
    readonly failed: FailedOperation,
    readonly detail: {
      status?: number;
      code?: string;
      serverMessage?: string;
      networkCode?: string;
      networkMessage?: string;
      attempts: number;
      endpoint: string;
    },
    readonly hint: string
  ) {
    super(describe(failed, detail, hint));
  }

  get status(): number | undefined {
    return this.detail.status;
  }

  get code(): string | undefined {
    return this.detail.code;
  }

  is(status: number, code?: string): boolean {
    return this.detail.status === status && (code === undefined || this.detail.code === code);
  }
}

function describe(failed: FailedOperation, d: ImageStoreError['detail'], hint: string): string {
  const what = failed.storePath ? `${failed.operation} '${failed.storePath}'` : failed.operation;
  const answer =
    d.status !== undefined
      ? `HTTP ${d.status}${d.code ? ` ${d.code}` : ''} from ${d.endpoint}${d.serverMessage ? ` (${d.serverMessage})` : ''}`
      : d.networkCode === 'ESERVERCERT'
        ? `refused to talk to ${d.endpoint}: ${d.networkMessage}`
        : `no answer from ${d.endpoint} (${d.networkCode})`;
  const attempts = d.attempts > 1 ? ` after ${d.attempts} attempts` : '';
  return `${what} failed: ${answer}${attempts}. ${hint}`.trim();
}

/** What the user should do about an answer or a network failure. */
export function hintFor(
  endpoint: string,
  status: number | undefined,
  code: string | undefined,
  networkCode?: string,
  credentials: { certificate: boolean; token: boolean } = { certificate: false, token: false }
): string {
  if (status === undefined) {
    switch (networkCode) {
      case 'ECONNREFUSED':
        return `Nothing listens at ${endpoint}: check 'cluster-endpoint' (the HTTP gateway port is usually 19080) and that the cluster is running and reachable from this runner.`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `The host of ${endpoint} could not be resolved: check 'cluster-endpoint'.`;
      case 'ETIMEDOUT':
        return `The cluster did not answer in time: raise 'timeout', or check the network path to ${endpoint}.`;
      case 'ECONNRESET':
      case 'EPIPE':
        return `The connection to ${endpoint} was dropped: the cluster may be restarting or overloaded; try again, or raise 'retries'.`;
      case 'ESERVERCERT':
        return "Check 'server-certificate-thumbprint' (the cluster certificate's SHA-1 thumbprint) or 'server-common-name' and 'ca-certificate'.";
      case 'ERR_TLS_CERT_ALTNAME_INVALID':
        return `The cluster's certificate does not name the host of ${endpoint}: set 'server-common-name' to the name it carries (with 'ca-certificate' if its CA is private), or pin it with 'server-certificate-thumbprint'.`;
      case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      case 'SELF_SIGNED_CERT_IN_CHAIN':
      case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      case 'CERT_UNTRUSTED':
        return `This runner does not trust the cluster's certificate (self-signed or from a private CA): pin it with 'server-certificate-thumbprint', or give its CA in 'ca-certificate' (with 'server-common-name' if it names another host), or, for a throw-away test cluster only, set 'insecure-skip-tls-verify: true'.`;
      case 'CERT_HAS_EXPIRED':
        return "The cluster's certificate has expired: renew it on the cluster.";
      default:
        return networkCode?.startsWith('CERT_') || networkCode?.includes('SELF_SIGNED') || networkCode?.includes('TLS')
          ? `The TLS connection to ${endpoint} failed (${networkCode}): check the server certificate settings.`
          : `Check that ${endpoint} is reachable from this runner.`;
    }
  }
  if (status === 401 && !credentials.token) {
    return "The cluster requires an Azure AD token: give 'aad-token', or 'azure-client-id' and 'azure-tenant-id' (with 'azure-client-secret', or GitHub OIDC with 'permissions: id-token: write').";
  }
  if (status === 403 && !credentials.certificate && !credentials.token) {
    return "The cluster requires a client certificate: give the cluster's admin client certificate in 'client-certificate' (PEM, base64 PFX, or a file path).";
  }
  if (status === 401 || status === 403) {
    return 'The cluster refused the client certificate or token: check that it is the cluster\'s admin client certificate (or a valid token for the cluster) and that it has not expired.';
  }
  if (status === 413) return "The request was too large for the gateway: lower 'chunk-size'.";
  if (status === 404 && (code === ErrorCode.FileNotFound || code === ErrorCode.DirectoryNotFound || code === undefined)) {
    return 'The path does not exist in the Image Store.';
  }
  if (code === ErrorCode.ReservedDirectory) return "That folder is reserved by the cluster: choose another 'image-store-path'.";
  if (code === ErrorCode.PathTooLong) return 'The store path is too long for the cluster: shorten the package\'s folder or file names, or \'image-store-path\'.';
  if (status === 503 || status === 504 || status === 429 || status === 500) {
    return "The cluster stayed busy or unavailable: try again later, or raise 'retries' and 'timeout'.";
  }
  return '';
}

/** The run was cancelled (SIGINT/SIGTERM): nothing more is sent. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}
