// The ARM end-to-end tests' setting: the emulator with TLS, Azure AD and its managed-cluster ARM
// surface, Azurite (a container SAS, or Azure AD with `https`), dist/index.js run as the runner
// runs it, and plain reads of the ARM resources and of the cluster's gateway routes, each with a
// token of the emulator's authority. Not the action's own client.
import * as https from 'node:https';
import * as path from 'node:path';
import { type ActionRun, runAction, type RunActionOptions } from '../../scripts/runner.js';
import { sampleAtVersion } from '../../scripts/sample-versions.js';
import type { EmulatorOptions } from '../../emulator/server.js';
import { startAzurite, type TestAzurite } from './azurite.js';
import { makeTestCertificates, type TestCertificates } from './certificates.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';

export const CLUSTER = '/subscriptions/00000000-0000-0000-0000-0000000000ab/resourceGroups/rg-1/providers/Microsoft.ServiceFabric/managedClusters/mycluster';
export const FAST = 'HealthCheckWaitDurationSec=0\nHealthCheckStableDurationSec=0\nHealthCheckRetryTimeoutSec=0';

export interface ArmRig {
  emu: TestEmulator;
  azurite: TestAzurite;
  certs: TestCertificates;
  container: string;
  /** The container's URL, and its SAS unless the Blob storage takes Azure AD. */
  containerUrl: string;
  sas: string | undefined;
  clientSecret: string;
  /** The environment of a run: the test origins, the test CA trusted, fast polls. */
  env: Record<string, string>;
  /** Runs dist/index.js through ARM with `package-path` at `version` (or a given folder) and these inputs. */
  release(version: string | { path: string }, inputs?: Record<string, string>, hooks?: Partial<RunActionOptions>): Promise<ActionRun>;
  /** GET of an ARM resource path under the emulator, with an ARM token. */
  armGet<T>(resourcePath: string): Promise<{ status: number; json: T }>;
  /** PUT or PATCH of an ARM resource path under the emulator with a JSON body, with an ARM token (a write by another tool). */
  armSend<T>(method: 'PUT' | 'PATCH', resourcePath: string, body: unknown): Promise<{ status: number; json: T }>;
  /** GET of a gateway route (`/ApplicationTypes/…`), with a cluster token. */
  gatewayGet<T>(route: string): Promise<{ status: number; json: T }>;
  /** Requests counted under ARM route names starting with `prefix` (`arm-put`, `arm-put-application`). */
  armRequests(prefix: string): number;
  dispose(): Promise<void>;
}

export interface ArmRigOptions {
  management?: EmulatorOptions['management'];
  /** Azure AD for the Blob storage (Azurite over https, `--oauth basic`) instead of a container SAS. */
  blobWithAzureAd?: boolean;
  /** The gateway asks for a client certificate of the test client CA, as a managed cluster's does. */
  clientCertificates?: boolean;
  /** A federated credential the authority accepts for the client, as a CI system's ID token. */
  federatedToken?: string;
  tenantId: string;
  clientId: string;
}

export async function startArmRig(options: ArmRigOptions): Promise<ArmRig> {
  const clientSecret = `arm-rig-secret_${options.tenantId.slice(-4)}x`;
  const certs = await makeTestCertificates();
  const ca = certs.serverCa;
  const [emu, azurite] = await Promise.all([
    startTestEmulator({
      tls: { cert: certs.serverCert, key: certs.serverKey, ...(options.clientCertificates ? { clientCa: certs.clientCa } : {}) },
      aad: { clientId: options.clientId, clientSecret, tenantId: options.tenantId, federatedToken: options.federatedToken },
      arm: { clusterResourceId: CLUSTER, retryAfterSeconds: 1 },
      faults: {},
      management: {
        upgradeDomains: 2,
        upgradeDomainSeconds: 0.2,
        provisionSeconds: 0.1,
        ...(options.blobWithAzureAd ? { externalStoreCa: ca } : {}),
        ...options.management
      }
    }),
    startAzurite(options.blobWithAzureAd ? { https: { certPath: path.join(certs.dir, 'server.crt'), keyPath: path.join(certs.dir, 'server.key'), ca } } : {})
  ]);
  const containerName = 'armpackages';
  const container = await azurite.createContainer(containerName);
  const sas = options.blobWithAzureAd ? undefined : azurite.containerSas(containerName, 'rw');

  const env = {
    SFU_POLL_INTERVAL_MS: '50',
    SFU_TEST_BLOB_ORIGIN: azurite.origin,
    SFU_TEST_ARM_ORIGIN: emu.url,
    NODE_EXTRA_CA_CERTS: path.join(certs.dir, 'server-ca.crt')
  };
  const tokens = new Map<string, string>();
  const token = async (scope: string) => {
    const known = tokens.get(scope);
    if (known !== undefined) return known;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: clientSecret, scope });
    const answer = await request('POST', `${emu.url}/${options.tenantId}/oauth2/v2.0/token`, ca, {}, form.toString());
    const issued = (JSON.parse(answer.text) as { access_token: string }).access_token;
    tokens.set(scope, issued);
    return issued;
  };
  const get = async <T>(url: string, scope: string) => {
    const answer = await request('GET', url, ca, { authorization: `Bearer ${await token(scope)}` });
    return { status: answer.status, json: (answer.text === '' ? undefined : JSON.parse(answer.text)) as T };
  };

  return {
    emu,
    azurite,
    certs,
    container: containerName,
    containerUrl: container,
    sas,
    clientSecret,
    env,
    release: async (version, inputs = {}, hooks = {}) =>
      runAction({
        inputs: {
          'managed-cluster-resource-id': CLUSTER,
          'arm-endpoint': emu.url,
          'package-path': typeof version === 'string' ? await sampleAtVersion(version) : version.path,
          'azure-client-id': options.clientId,
          'azure-tenant-id': options.tenantId,
          'azure-client-secret': clientSecret,
          'blob-container-url': container,
          ...(sas !== undefined ? { 'blob-sas': sas } : {}),
          'upgrade-settings': FAST,
          ...inputs
        },
        env,
        timeoutMs: 180_000,
        ...hooks
      }),
    armGet: (resourcePath: string) => get(`${emu.url}${resourcePath}?api-version=2024-04-01`, 'https://management.azure.com/.default'),
    armSend: async (method, resourcePath, body) => {
      const answer = await request(
        method,
        `${emu.url}${resourcePath}?api-version=2024-04-01`,
        ca,
        { authorization: `Bearer ${await token('https://management.azure.com/.default')}`, 'content-type': 'application/json' },
        JSON.stringify(body)
      );
      return { status: answer.status, json: (answer.text === '' ? undefined : JSON.parse(answer.text)) as never };
    },
    gatewayGet: (route: string) => {
      const clusterApp = emu.emulator.options.aad?.clusterApplicationId ?? '6f4e3c2a-0000-4000-8000-0000000c1057';
      return get(`${emu.url}${route}${route.includes('?') ? '&' : '?'}api-version=6.0`, `${clusterApp}/.default`);
    },
    armRequests: prefix =>
      Object.entries(emu.journal.requests)
        .filter(([name]) => name.startsWith(prefix))
        .reduce((sum, [, n]) => sum + n, 0),
    dispose: async () => {
      await Promise.all([emu.dispose(), azurite.dispose()]);
    }
  };
}

function request(method: string, url: string, ca: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca, headers: { ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers } },
      res => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The versions of `type` the cluster lists through its gateway (GET /ApplicationTypes/{type}). */
export async function clusterTypeVersions(rig: ArmRig, type: string): Promise<string[]> {
  const answer = await rig.gatewayGet<{ Items?: { Version: string }[] }>(`/ApplicationTypes/${type}`);
  return (answer.json?.Items ?? []).map(i => i.Version).sort();
}

/** The versions of `type` ARM shows as resources. */
export async function armTypeVersions(rig: ArmRig, type: string): Promise<string[]> {
  const answer = await rig.armGet<{ value?: { name: string }[] }>(`${CLUSTER}/applicationTypes/${type}/versions`);
  return (answer.json?.value ?? []).map(v => v.name).sort();
}

/** The application as ARM shows it. */
export async function armApplication(
  rig: ArmRig,
  name: string
): Promise<{ properties: { version: string; provisioningState: string; parameters: Record<string, string> } } | undefined> {
  const answer = await rig.armGet<{ properties: { version: string; provisioningState: string; parameters: Record<string, string> } }>(
    `${CLUSTER}/applications/${name}`
  );
  return answer.status === 200 ? answer.json : undefined;
}
