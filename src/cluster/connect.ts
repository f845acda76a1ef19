// Everything about reaching the cluster: the connection pools with their TLS settings, the
// client certificate, and the Azure AD token. The cluster's own origin gets the cluster's TLS
// settings; anything else (the AAD authority) gets ordinary verification plus `ca-certificate`.
import { Semaphore } from '../util/concurrency.js';
import { HttpTransport } from './transport.js';
import type { ClusterTarget } from './cluster-target.js';
import type { Reporter } from '../util/reporter.js';
import type { SettingNames } from '../util/settings.js';
import { ManagementClient } from './management-client.js';
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
  /** Provision, applications, upgrades: created once, with the connection. */
  management: ManagementClient;
  /** Gets the Azure AD token, if one is needed, before the first request that needs it. */
  authenticate(): Promise<void>;
  dispose(): void;
}

export interface ConnectOptions {
  signal: AbortSignal;
  reporter: Reporter;
  /** How the front door names its settings, for the errors and advice that blame one. */
  names: SettingNames;
}

export function connectToCluster(target: ClusterTarget, clientCertificate: ClientCertificate | undefined, options: ConnectOptions): ClusterConnection {
  const { security } = target;
  const { reporter, names } = options;
  const isHttps = target.endpoint.startsWith('https://');
  if (security.insecureSkipTlsVerify) {
    reporter.warning(
      `'${names.InsecureSkipTlsVerify}' is on: the cluster's certificate is not checked, so anyone on the network path could pose as the cluster. Pin it with '${names.ServerCertificateThumbprint}' instead.`
    );
  }
  const clusterTransport = new HttpTransport({
    userAgent: USER_AGENT,
    maxSockets: target.concurrency,
    expectContinue: target.expectContinue,
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
    endpoint: target.endpoint,
    apiVersion: target.apiVersion,
    timeoutSeconds: target.timeoutSeconds,
    retries: target.retries,
    limiter: new Semaphore(target.concurrency),
    signal: options.signal,
    onRetry: line => reporter.info(line),
    reporter,
    names,
    firstAnswerTimeoutMs: target.firstAnswerTimeoutMs,
    credentials: {
      certificate: clientCertificate !== undefined,
      token: security.aadToken !== undefined || security.azureClientId !== undefined,
      federatedCredential: security.federatedCredential?.howToGive
    }
  });
  const client = new ImageStoreClient(gateway);
  const clusterOrigin = new URL(target.endpoint).origin;

  return {
    gateway,
    client,
    management: new ManagementClient(gateway),
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
            `The cluster at ${target.endpoint} does not use Azure AD (its AAD metadata has type '${metadata.type}'): remove the azure-* settings and use '${names.ClientCertificate}'.`
          );
        }
        const network = new TransportNetworkModule(
          url => (new URL(url).origin === clusterOrigin ? clusterTransport : otherTransport),
          clientWaitMs(target.timeoutSeconds)
        );
        tokens = await servicePrincipalToken(security, metadata.metadata, network, { reporter, names });
        await tokens.token();
        reporter.info(
          `Got an Azure AD token for the cluster application ${metadata.metadata.cluster} as ${security.azureClientId}${security.azureClientSecret ? '' : ` (${security.federatedCredential?.name ?? 'federated credential'} federation)`}.`
        );
      }
      gateway.useTokens(tokens);
    }
  };
}
