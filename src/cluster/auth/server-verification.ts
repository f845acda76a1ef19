// How the action decides to trust the cluster (protocol reference §6): by default, a chain that
// validates and names the endpoint's host; or a pinned SHA-1 thumbprint (chain may be untrusted);
// or a common name with a chain that validates against the system CAs plus `ca-certificate`; or,
// when a user insists, anything.
import { checkServerIdentity, type ConnectionOptions, rootCertificates, type TLSSocket } from 'node:tls';
import type { SecuritySettings as SecurityInputs } from '../cluster-target.js';
import { NetworkError } from '../transport.js';
import type { ClientCertificate } from './client-certificate.js';

export interface ClusterTls {
  /** Set on the connection pool's agent, so that they reach the cluster through a proxy tunnel too. */
  agentOptions: ConnectionOptions;
  /** Checked after the handshake and before anything is written; an error closes the connection. */
  verifyPeer?: (socket: TLSSocket) => Error | undefined;
}

/** Trust anchors: the system's CAs plus the user's extra ones. */
export function trustedCas(caCertificate: string | undefined): string[] | undefined {
  return caCertificate === undefined ? undefined : [...rootCertificates, caCertificate];
}

export function clusterTls(security: SecurityInputs, clientCertificate: ClientCertificate | undefined): ClusterTls {
  const ca = trustedCas(security.caCertificate);
  const base: ConnectionOptions = { ...clientCertificate, ...(ca ? { ca } : {}) };
  if (security.insecureSkipTlsVerify) {
    return { agentOptions: { ...base, rejectUnauthorized: false } };
  }
  const pins = new Set(security.serverThumbprints);
  const commonName = security.serverCommonName;
  if (pins.size === 0 && commonName === undefined) {
    return { agentOptions: { ...base, rejectUnauthorized: true } };
  }
  return {
    // The chain is judged below (authorized reflects it alone, without the host name check). The
    // transport keeps its pool from resuming TLS sessions, whose peer certificate cannot be judged.
    agentOptions: { ...base, rejectUnauthorized: false, checkServerIdentity: () => undefined },
    verifyPeer: socket => {
      const cert = socket.getPeerCertificate();
      const thumbprint = (cert.fingerprint ?? '').replace(/:/g, '').toUpperCase();
      if (pins.has(thumbprint)) return undefined;
      if (commonName !== undefined && socket.authorized && checkServerIdentity(commonName, cert) === undefined) return undefined;
      const cn = cert.subject?.CN;
      const subject = (Array.isArray(cn) ? cn.join(', ') : cn) ?? '(no common name)';
      const why =
        commonName !== undefined && pins.size === 0
          ? socket.authorized
            ? `its certificate (CN=${subject}) does not carry the name '${commonName}'`
            : `its certificate (CN=${subject}) does not chain to a trusted CA (${socket.authorizationError}): add the issuing CA in 'ca-certificate'`
          : `its certificate (CN=${subject}, thumbprint ${thumbprint}) matches no thumbprint in 'server-certificate-thumbprint'${commonName !== undefined ? ` nor the name '${commonName}'` : ''}`;
      return new NetworkError(`the cluster is not the one expected: ${why}`, 'ESERVERCERT');
    }
  };
}
