// The stand-ins `npm run demo:azure` releases to, all on 127.0.0.1: the cluster emulator over https
// with its Azure AD authority and a managed cluster's ARM surface, Azurite (Blob storage, https, Azure
// AD tokens), and a GitHub OIDC token endpoint as the runner offers one to `permissions: id-token: write`.
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { rm } from 'node:fs/promises';
import { startEmulator, type RunningEmulator } from '../emulator/server.js';
import { startAzurite, type TestAzurite } from '../test/helpers/azurite.js';
import { makeTestCertificates } from '../test/helpers/certificates.js';

export const DEMO_TENANT = '72f988bf-0000-4000-8000-0000000de770';
export const DEMO_CLIENT_ID = '5f0e2a9c-0000-4000-8000-0000000de701';
export const DEMO_SUBJECT = 'repo:contoso/voting:environment:production';
export const DEMO_CLUSTER_ID =
  '/subscriptions/00000000-0000-4000-8000-0000000de7ab/resourceGroups/rg-voting/providers/Microsoft.ServiceFabric/managedClusters/voting-prod';
/** The version whose upgrade fails its health checks, so that the cluster rolls it back. */
export const UNHEALTHY_VERSION = '3.0.0';
export const CONTAINER = 'sfpackages';

export interface DemoServices {
  emulator: RunningEmulator;
  azurite: TestAzurite;
  containerUrl: string;
  /** The ETag of a blob of the container (a HEAD with a read SAS over https), or undefined when it is missing. */
  blobEtag(name: string): Promise<string | undefined>;
  /** Environment of the action's process: the runner's OIDC variables, the CA, the test-only origins. */
  actionEnv: Record<string, string>;
  /** OIDC tokens handed out, with the audience asked for. */
  oidcRequests: string[];
  stop(): Promise<void>;
}

/**
 * A GitHub-style OIDC token (unsigned: only the emulator's authority reads it, and it compares it
 * with the federated credential it was configured with, as Azure AD compares issuer, subject, audience).
 */
function oidcToken(): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { iss: 'https://token.actions.githubusercontent.com', sub: DEMO_SUBJECT, aud: 'api://AzureADTokenExchange' };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.demo-signature`;
}

/** The runner's ACTIONS_ID_TOKEN_REQUEST_URL: a token for the audience asked, to the bearer of the request token. */
async function startOidcEndpoint(token: string, requestToken: string, requests: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const audience = url.searchParams.get('audience') ?? '';
    const ok = req.headers.authorization === `Bearer ${requestToken}` && audience === 'api://AzureADTokenExchange';
    requests.push(audience);
    res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(ok ? { value: token } : { message: 'Unauthorized' }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0` };
}

export async function startDemoServices(root: string): Promise<DemoServices> {
  const certs = await makeTestCertificates();
  const federatedToken = oidcToken();
  const requestToken = 'runner-request-token-demo';
  const oidcRequests: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [() => rm(certs.dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const oidc = await startOidcEndpoint(federatedToken, requestToken, oidcRequests);
    cleanups.push(() => new Promise(resolve => oidc.server.close(resolve)));
    const emulator = await startEmulator({
      root,
      port: 0,
      journal: true,
      tls: { cert: certs.serverCert, key: certs.serverKey },
      // The app registration with its federated credential: no secret anywhere.
      aad: { tenantId: DEMO_TENANT, clientId: DEMO_CLIENT_ID, federatedToken },
      arm: { clusterResourceId: DEMO_CLUSTER_ID, retryAfterSeconds: 1 },
      management: {
        upgradeDomains: 3,
        upgradeDomainSeconds: 0.5,
        provisionSeconds: 0.2,
        unhealthyVersions: [UNHEALTHY_VERSION],
        externalStoreCa: certs.serverCa
      }
    });
    cleanups.push(() => emulator.close());
    const azurite = await startAzurite({
      https: { certPath: path.join(certs.dir, 'server.crt'), keyPath: path.join(certs.dir, 'server.key'), ca: certs.serverCa }
    });
    cleanups.push(() => azurite.dispose());
    const containerUrl = await azurite.createContainer(CONTAINER);
    const actionEnv = {
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      // The action trusts the demo's CA as a runner trusts an enterprise CA.
      NODE_EXTRA_CA_CERTS: path.join(certs.dir, 'server-ca.crt'),
      // The documented test-only origins: Azurite and the emulator's ARM surface, loopback only.
      SFU_TEST_BLOB_ORIGIN: azurite.origin,
      SFU_TEST_ARM_ORIGIN: emulator.url,
      // Anything that tried to leave 127.0.0.1 would meet a dead proxy and fail the demo.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      http_proxy: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      SFU_POLL_INTERVAL_MS: '250'
    };
    const blobEtag = (name: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const url = `${containerUrl}/${name}?${azurite.containerSas(CONTAINER, 'r')}`;
        const headers = { 'x-ms-version': '2021-10-04' };
        const req = request(url, { method: 'HEAD', headers, ca: [...tls.rootCertificates, certs.serverCa] }, res => {
          res.resume();
          resolve(res.statusCode === 200 ? String(res.headers.etag) : undefined);
        });
        req.on('error', reject);
        req.end();
      });
    return { emulator, azurite, containerUrl, blobEtag, actionEnv, oidcRequests, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
