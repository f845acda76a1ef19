// Everything about reaching the cluster: the connection pools with their TLS settings, the
// client certificate, and the Azure AD token. The cluster's own origin gets the cluster's TLS
// settings; anything else (the AAD authority) gets ordinary verification plus `ca-certificate`.
import * as core from '@actions/core';
import { Semaphore } from '../util/concurrency.js';
import { type ExpectContinueMode, HttpTransport } from './transport.js';
import { Input, type UploadInputs } from '../action/inputs.js';
import { clientWaitMs, GatewayClient } from './gateway-client.js';
import { ImageStoreClient } from './store-client.js';
import { AadConfigurationError, fixedToken, servicePrincipalToken, TransportNetworkModule, type TokenSource } from './auth/aad-token.js';
import type { ClientCertificate } from './auth/client-certificate.js';
import { clusterTls, trustedCas } from './auth/server-verification.js';

const USER_AGENT = 'service-fabric-upload-action';

export interface ClusterConnection {
  /** Requests to any gateway route: retries, tokens, errors. */
  gateway: GatewayClient;
  /** The Image Store operations. */
  client: ImageStoreClient;
  /** Gets the Azure AD token, if one is needed, before the first request that needs it. */
  authenticate(): Promise<void>;
  dispose(): void;
}

export interface ConnectOptions {
  signal: AbortSignal;
  expectContinue: ExpectContinueMode;
  onRetry: (line: string) => void;
  /** Overrides FIRST_ANSWER_TIMEOUT_MS (tests of a gateway that never answers). */
  firstAnswerTimeoutMs?: number;
}

export function connectToCluster(inputs: UploadInputs, clientCertificate: ClientCertificate | undefined, options: ConnectOptions): ClusterConnection {
  const { security } = inputs;
  const isHttps = inputs.clusterEndpoint.startsWith('https://');
  if (security.insecureSkipTlsVerify) {
    core.warning(
      `'${Input.InsecureSkipTlsVerify}' is on: the cluster's certificate is not checked, so anyone on the network path could pose as the cluster. Pin it with '${Input.ServerCertificateThumbprint}' instead.`
    );
  }
  const clusterTransport = new HttpTransport({
    userAgent: USER_AGENT,
    maxSockets: inputs.concurrency,
    expectContinue: options.expectContinue,
    tls: isHttps ? clusterTls(security, clientCertificate) : undefined
  });
  const ca = trustedCas(security.caCertificate);
  const otherTransport = new HttpTransport({
    userAgent: USER_AGENT,
    maxSockets: 4,
    expectContinue: 'never',
    tls: ca ? { agentOptions: { ca, rejectUnauthorized: true } } : undefined
  });
  const gateway = new GatewayClient(clusterTransport, {
    endpoint: inputs.clusterEndpoint,
    apiVersion: inputs.apiVersion,
    timeoutSeconds: inputs.timeoutSeconds,
    retries: inputs.retries,
    limiter: new Semaphore(inputs.concurrency),
    signal: options.signal,
    onRetry: options.onRetry,
    firstAnswerTimeoutMs: options.firstAnswerTimeoutMs,
    credentials: {
      certificate: clientCertificate !== undefined,
      token: security.aadToken !== undefined || security.azureClientId !== undefined
    }
  });
  const client = new ImageStoreClient(gateway);
  const clusterOrigin = new URL(inputs.clusterEndpoint).origin;

  return {
    gateway,
    client,
    dispose: () => {
      clusterTransport.dispose();
      otherTransport.dispose();
    },
    authenticate: async () => {
      let tokens: TokenSource | undefined;
      if (security.aadToken !== undefined) {
        tokens = fixedToken(security.aadToken);
      } else if (security.azureClientId !== undefined) {
        const metadata = await client.aadMetadata();
        if (metadata.type !== 'aad' || !metadata.metadata?.cluster || !metadata.metadata.login) {
          throw new AadConfigurationError(
            `The cluster at ${inputs.clusterEndpoint} does not use Azure AD (its AAD metadata has type '${metadata.type}'): remove the azure-* inputs and use '${Input.ClientCertificate}'.`
          );
        }
        const network = new TransportNetworkModule(
          url => (new URL(url).origin === clusterOrigin ? clusterTransport : otherTransport),
          clientWaitMs(inputs.timeoutSeconds)
        );
        tokens = await servicePrincipalToken(security, metadata.metadata, network);
        await tokens.token();
        core.info(
          `Got an Azure AD token for the cluster application ${metadata.metadata.cluster} as ${security.azureClientId}${security.azureClientSecret ? '' : ' (GitHub OIDC federation)'}.`
        );
      }
      gateway.useTokens(tokens);
    }
  };
}
