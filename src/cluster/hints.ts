// What the user should do about a failed request: one sentence naming the input to change.
import { CANONICAL_NAMES, type SettingNames } from '../util/settings.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { type AttemptFailure, isClientCertificateDemanded, isPlainHttpAnswerToTls } from './retry-policy.js';

export interface HintContext {
  endpoint: string;
  /** The api-version the request carried. */
  apiVersion?: string;
  /** Which credentials were given. */
  credentials?: { certificate: boolean; token: boolean; /** How the front door names its federated credential. */ federatedCredential?: string };
  /** The server's message, which names an api-version range when that was the problem. */
  serverMessage?: string;
  /** How the front door names its settings (canonical names without one). */
  names?: SettingNames;
}

const certificateRequired = (names: SettingNames) =>
  `The cluster requires a client certificate: give the cluster's admin client certificate in '${names.ClientCertificate}' (PEM, base64 PFX, or a file path).`;

export function hintFor(f: AttemptFailure, ctx: HintContext): string {
  const { endpoint } = ctx;
  const names = ctx.names ?? CANONICAL_NAMES;
  const credentials = ctx.credentials ?? { certificate: false, token: false };
  if (f.status === undefined) return networkHint(f, endpoint, credentials, names);
  const status = f.status;
  if (status === 401 && !credentials.token) {
    return `The cluster requires an Azure AD token: give '${names.AadToken}', or '${names.AzureClientId}' and '${names.AzureTenantId}' (with '${names.AzureClientSecret}', or ${credentials.federatedCredential ?? "GitHub OIDC with 'permissions: id-token: write'"}).`;
  }
  if (status === 403 && !credentials.certificate && !credentials.token) return certificateRequired(names);
  if (status === 401 || status === 403) {
    return `The cluster refused the client certificate or token: check that '${names.ClientCertificate}' is the cluster's admin client certificate (or that the token is valid for the cluster) and that it has not expired.`;
  }
  if (status === 400 && f.code === ErrorCode.InvalidArg && /api-version/i.test(ctx.serverMessage ?? '')) {
    return `The cluster does not take api-version ${ctx.apiVersion ?? ''} here: lower '${names.ApiVersion}' to the cluster's runtime version or below (6.0 works for every Image Store operation).`;
  }
  if (status === 400 && !f.code && endpoint.startsWith('http://')) {
    return `If the gateway serves HTTPS, use an https:// '${names.ClusterEndpoint}'.`;
  }
  if (status === 413) return `The request was too large for the gateway: lower '${names.ChunkSize}'.`;
  if (status === 404 && (f.code === ErrorCode.FileNotFound || f.code === ErrorCode.DirectoryNotFound || f.code === undefined)) {
    return 'The path does not exist in the Image Store.';
  }
  if (f.code === ErrorCode.ReservedDirectory) return `That folder is reserved by the cluster: choose another '${names.ImageStorePath}'.`;
  if (f.code === ErrorCode.PathTooLong) {
    return `The store path is too long for the cluster: shorten the package's folder or file names, or '${names.ImageStorePath}'.`;
  }
  if (status === 503 || status === 504 || status === 429 || status === 500) {
    return `The cluster stayed busy or unavailable: try again later, or raise '${names.Retries}' and '${names.Timeout}'.`;
  }
  if (status === 400 && f.code === ErrorCode.InvalidArg && ctx.apiVersion !== undefined && ctx.apiVersion !== '6.0') {
    return `If '${names.ApiVersion}' (${ctx.apiVersion}) is above the cluster's runtime version, lower it.`;
  }
  return '';
}

function networkHint(f: AttemptFailure, endpoint: string, credentials: { certificate: boolean }, names: SettingNames): string {
  if (isPlainHttpAnswerToTls(f)) {
    return `The gateway at ${endpoint} does not speak TLS: use an http:// '${names.ClusterEndpoint}' (or check the port: 19080 is the HTTP gateway).`;
  }
  if (isClientCertificateDemanded(f)) {
    return credentials.certificate
      ? `The cluster refused the client certificate in the TLS handshake: check that '${names.ClientCertificate}' is the cluster's admin client certificate and that it has not expired.`
      : certificateRequired(names);
  }
  switch (f.networkCode) {
    case 'ECONNREFUSED':
      return `Nothing listens at ${endpoint}: check '${names.ClusterEndpoint}' (the HTTP gateway port is usually 19080) and that the cluster is running and reachable from this runner.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host of ${endpoint} could not be resolved: check '${names.ClusterEndpoint}'.`;
    case 'ETIMEDOUT':
      return `The cluster did not answer in time: raise '${names.Timeout}', or check the network path to ${endpoint}.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection to ${endpoint} was dropped: the cluster may be restarting or overloaded; try again, or raise '${names.Retries}'.${endpoint.startsWith('http://') ? ` If the gateway serves HTTPS, use an https:// '${names.ClusterEndpoint}'.` : ''}`;
    case 'ESERVERCERT':
      return `Check '${names.ServerCertificateThumbprint}' (the cluster certificate's SHA-1 thumbprint) or '${names.ServerCommonName}' and '${names.CaCertificate}'.`;
    case 'ESERVERTLS':
      return `The gateway at ${endpoint} answers over TLS: use an https:// '${names.ClusterEndpoint}'.`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The cluster's certificate does not name the host of ${endpoint}: set '${names.ServerCommonName}' to the name it carries (with '${names.CaCertificate}' if its CA is private), or pin it with '${names.ServerCertificateThumbprint}'.`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
      return `This runner does not trust the cluster's certificate (self-signed or from a private CA): pin it with '${names.ServerCertificateThumbprint}', or give its CA in '${names.CaCertificate}' (with '${names.ServerCommonName}' if it names another host), or, for a throw-away test cluster only, set '${names.InsecureSkipTlsVerify}: true'.`;
    case 'CERT_HAS_EXPIRED':
      return "The cluster's certificate has expired: renew it on the cluster.";
    default:
      return f.networkCode?.startsWith('CERT_') ||
        f.networkCode?.includes('SELF_SIGNED') ||
        f.networkCode?.includes('TLS') ||
        f.networkCode?.startsWith('ERR_SSL')
        ? `The TLS connection to ${endpoint} failed (${f.networkCode}): check '${names.ServerCertificateThumbprint}', '${names.ServerCommonName}' and '${names.CaCertificate}'${credentials.certificate ? '' : `, and whether the cluster requires '${names.ClientCertificate}'`}.`
        : `Check that ${endpoint} is reachable from this runner.`;
  }
}

/** No request has ever been answered, and the last ones got nothing within the first-answer deadline. */
export function noFirstAnswerHint(endpoint: string, seconds: number, attempts: number, names: SettingNames = CANONICAL_NAMES): string {
  const url = new URL(endpoint);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `Nothing at ${endpoint} answered within ${seconds} s, ${attempts} times in a row, and it has never answered this run: a connection is accepted or left hanging, but no gateway replies. Check the network path from this runner: that port ${port} is open to it (the HTTP gateway listens on 19080 unless the cluster says otherwise), that the cluster's NSG and firewall rules (and any load balancer rule) let this runner's address through to the gateway, and that '${names.ClusterEndpoint}' is the cluster's HTTP gateway endpoint. Raising '${names.Timeout}' will not help here.`;
}
