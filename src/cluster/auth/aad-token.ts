// Bearer tokens for clusters secured with Azure AD (Entra ID): a ready one, or one obtained for a
// service principal with @azure/msal-node, by client secret or, without one, with the federated
// credential the front door supplies (the action: GitHub's OIDC token). The cluster's own metadata names the scope and the authority.
// Types only: msal itself (most of the bundle) is loaded when a service principal is used.
import type { Configuration, INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { HttpTransport } from '../transport.js';
import type { SecuritySettings as SecurityInputs } from '../cluster-target.js';
import type { Reporter } from '../../util/reporter.js';
import type { SettingNames } from '../../util/settings.js';

export interface TokenSource {
  /** A token for the cluster; `refresh` asks for a new one (after a 401). */
  token(refresh?: boolean): Promise<string>;
}

export class AadConfigurationError extends Error {
  override name = 'AadConfigurationError';
}

export function fixedToken(token: string): TokenSource {
  return { token: async () => token };
}

/** msal's HTTP goes through the action's transports: same proxy, trust anchors and timeouts. */
export class TransportNetworkModule implements INetworkModule {
  constructor(
    private readonly transportFor: (url: string) => HttpTransport,
    private readonly timeoutMs: number
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const res = await this.transportFor(url).send({
      method,
      url,
      headers: options?.headers,
      body: options?.body === undefined ? undefined : Buffer.from(options.body, 'utf8'),
      timeoutMs: this.timeoutMs
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    let body: unknown = {};
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      // a body that is not JSON: msal sees an empty object and the status
    }
    return { status: res.status, headers, body: body as T };
  }
}

export interface ClusterAadMetadata {
  /** The cluster application's id: the token's scope is `<cluster>/.default`. */
  cluster: string;
  /** The authority's host, such as https://login.microsoftonline.com. */
  login: string;
}

/** A token source for a service principal, by secret or by GitHub OIDC federation. */
export async function servicePrincipalToken(
  security: SecurityInputs,
  metadata: ClusterAadMetadata,
  network: INetworkModule,
  { reporter, names }: { reporter: Reporter; names: SettingNames }
): Promise<TokenSource> {
  const { ConfidentialClientApplication, LogLevel } = await import('@azure/msal-node');
  const clientId = security.azureClientId!;
  const tenantId = security.azureTenantId!;
  const login = metadata.login.replace(/\/+$/, '');
  const config: Configuration = {
    auth: {
      clientId,
      authority: `${login}/${tenantId}`,
      // The authority named by the cluster is trusted as it is: no instance discovery elsewhere.
      knownAuthorities: [new URL(login).host],
      ...(security.azureClientSecret !== undefined ? { clientSecret: security.azureClientSecret } : { clientAssertion: () => federatedToken(security, names) })
    },
    system: {
      networkClient: network,
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined }
    }
  };
  const app = new ConfidentialClientApplication(config);
  const scope = `${metadata.cluster}/.default`;
  // msal answers from its cache until the token nears expiry: each distinct token is masked once.
  let masked: string | undefined;
  return {
    token: async (refresh = false) => {
      let result;
      try {
        result = await app.acquireTokenByClientCredential({ scopes: [scope], skipCache: refresh });
      } catch (err) {
        // The front door's federated credential could not be had: its own sentence says why.
        if (err instanceof AadConfigurationError) throw err;
        const e = err as { errorCode?: string; errorMessage?: string; message?: string };
        const detail = e.errorCode ? `${e.errorCode}${e.errorMessage ? `: ${e.errorMessage.split('\n')[0]}` : ''}` : e.message;
        throw new AadConfigurationError(
          `Azure AD gave no token for the cluster (scope ${scope}) to '${names.AzureClientId}' ${clientId} in tenant ${tenantId}: ${detail}. Check '${names.AzureClientId}', '${names.AzureTenantId}' and ${security.azureClientSecret !== undefined ? `'${names.AzureClientSecret}'` : (security.federatedCredential?.check ?? "the service principal's federated credential")}.`
        );
      }
      if (!result?.accessToken) throw new AadConfigurationError(`Azure AD answered without a token for scope ${scope}.`);
      if (result.accessToken !== masked) {
        reporter.setSecret(result.accessToken);
        masked = result.accessToken;
        reporter.debug(`got ${refresh ? 'a new' : 'an'} Azure AD token for scope ${scope}`);
      }
      return result.accessToken;
    }
  };
}

/** The front door's federated credential; without one, a service principal needs its secret. */
async function federatedToken(security: SecurityInputs, names: SettingNames): Promise<string> {
  if (security.federatedToken === undefined) {
    throw new AadConfigurationError(
      `No '${names.AzureClientSecret}' was given, and no federated credential can be had here: set '${names.AzureClientSecret}'.`
    );
  }
  return security.federatedToken();
}
