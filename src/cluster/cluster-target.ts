// Where and how to reach the cluster: built once by a front door, read by connect.ts.
import type { ExpectContinueMode } from './transport.js';

/** How to reach a secured cluster (protocol reference §6). */
export interface SecuritySettings {
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
  /**
   * A federated credential for the service principal when no secret is given (the action: GitHub's
   * OIDC token). Supplied by the front door, which alone knows its CI system.
   */
  federatedToken?: () => Promise<string>;
  /** How messages name that credential, and what to check when Azure AD refuses it. */
  federatedCredential?: FederatedCredentialNames;
}

export interface FederatedCredentialNames {
  /** 'GitHub OIDC' (the action), the CLI's flag. */
  name: string;
  /** How to give it, for the advice on a 401: "GitHub OIDC with 'permissions: id-token: write'". */
  howToGive: string;
  /** What to check when Azure AD refuses it, as a phrase: "the service principal's federated credential for …". */
  check: string;
}

export interface ClusterTarget {
  /** The HTTP gateway, without a trailing slash: `https://host:19080`. */
  readonly endpoint: string;
  readonly security: Readonly<SecuritySettings>;
  /** Server timeout of each request, in seconds. */
  readonly timeoutSeconds: number;
  /** Attempts per request on transient failures. */
  readonly retries: number;
  readonly apiVersion: string;
  /** Most requests in flight at once. */
  readonly concurrency: number;
  readonly expectContinue: ExpectContinueMode;
  /** Overrides FIRST_ANSWER_TIMEOUT_MS of gateway-client.ts (tests of a gateway that never answers). */
  readonly firstAnswerTimeoutMs?: number;
}
