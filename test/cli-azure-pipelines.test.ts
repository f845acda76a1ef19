// End to end: the CLI installed as an npm package, run as an Azure Pipelines step (TF_BUILD, `npx`) with
// '--azure-pipelines-service-connection': it asks a stand-in of the agent's OIDC endpoint for the
// job's token (once), signs in with it at the emulator's Azure AD authority, and releases to a
// managed cluster through the emulator's ARM surface, the package staged in Azurite. Neither the
// OIDC token nor the job's access token is printed; a refused access token fails with the advice.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { type AzurePipelinesOidcStandIn, startAzurePipelinesOidc } from './helpers/azure-pipelines-oidc.js';
import { startAzurite, type TestAzurite } from './helpers/azurite.js';
import { makeTestCertificates, type TestCertificates } from './helpers/certificates.js';
import { assertNotPrinted, type InstalledCli, installCli, runCli, unsignedJwt } from './helpers/cli.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const CLUSTER = '/subscriptions/00000000-0000-0000-0000-0000000000ef/resourceGroups/rg-azdo/providers/Microsoft.ServiceFabric/managedClusters/azdocluster';
const TENANT = '72f988bf-0000-4000-8000-00000000dd44';
const CLIENT_ID = '11111111-0000-4000-8000-000000000044';
const SERVICE_CONNECTION = '5f0c8a53-1d2e-4b6a-9c3f-00000000a2d0';
const ACCESS_TOKEN = 'azdo-job-access-token.Vq3x9Lr7Tz2Kp8Wn';
/** The token Azure DevOps issues for the service connection (unsigned: the emulator's authority compares it as text). */
const OIDC_TOKEN = unsignedJwt(
  { iss: 'https://vstoken.dev.azure.com/0a1b2c3d', sub: 'sc://contoso/app/arm-connection', aud: 'api://AzureADTokenExchange', exp: 4102444800 },
  'YXpkby1zaWduYXR1cmU'
);
const FAST = ['--upgrade-settings', 'HealthCheckWaitDurationSec=0', '--upgrade-settings', 'HealthCheckStableDurationSec=0'];

describe('CLI on Azure Pipelines: the job OIDC token of a service connection', () => {
  let certs: TestCertificates;
  let emu: TestEmulator;
  let azurite: TestAzurite;
  let cli: InstalledCli;
  let oidc: AzurePipelinesOidcStandIn;
  let containerUrl: string;
  let sas: string;
  before(async () => {
    certs = await makeTestCertificates();
    [emu, azurite, cli, oidc] = await Promise.all([
      startTestEmulator({
        tls: { cert: certs.serverCert, key: certs.serverKey },
        aad: { clientId: CLIENT_ID, tenantId: TENANT, federatedToken: OIDC_TOKEN },
        arm: { clusterResourceId: CLUSTER, retryAfterSeconds: 1 },
        management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 }
      }),
      startAzurite(),
      installCli(),
      startAzurePipelinesOidc({
        cert: certs.serverCert,
        key: certs.serverKey,
        accessToken: ACCESS_TOKEN,
        serviceConnectionId: SERVICE_CONNECTION,
        oidcToken: OIDC_TOKEN
      })
    ]);
    containerUrl = await azurite.createContainer('azdopackages');
    sas = azurite.containerSas('azdopackages', 'rw');
  });
  after(async () => {
    await Promise.all([emu?.dispose(), azurite?.dispose(), oidc?.close()]);
  });

  const release = async (version: string, env: Record<string, string>, npx = false) =>
    runCli(
      cli,
      [
        'release',
        '--package-path',
        await sampleAtVersion(version),
        '--managed-cluster-resource-id',
        CLUSTER,
        '--arm-endpoint',
        emu.url,
        '--application-name',
        'fabric:/VotingAzdo',
        '--azure-pipelines-service-connection',
        SERVICE_CONNECTION,
        ...FAST
      ],
      {
        npx,
        env: {
          TF_BUILD: 'True',
          SYSTEM_OIDCREQUESTURI: oidc.uri,
          SFU_AZURE_CLIENT_ID: CLIENT_ID,
          SFU_AZURE_TENANT_ID: TENANT,
          SFU_BLOB_CONTAINER_URL: containerUrl,
          SFU_BLOB_SAS: sas,
          SFU_TEST_BLOB_ORIGIN: azurite.origin,
          SFU_TEST_ARM_ORIGIN: emu.url,
          NODE_EXTRA_CA_CERTS: path.join(certs.dir, 'server-ca.crt'),
          ...env
        }
      }
    );

  it('released with the token asked for once, as azure-identity asks it; neither token printed, both registered as secrets', async () => {
    const run = await release('1.0.0', { SYSTEM_ACCESSTOKEN: ACCESS_TOKEN }, true);
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    assert.equal(run.json['provision-result'], 'provisioned');
    assert.equal(run.json['application-result'], 'created');
    assert.match(run.stderr, /Register VotingType 1\.0\.0 through ARM/);
    const app = emu.emulator.management.getApplication('VotingAzdo').json as { TypeVersion?: string } | undefined;
    assert.equal(app?.TypeVersion, '1.0.0');

    assert.equal(oidc.requests.length, 1, 'the OIDC token was not asked for exactly once');
    const [asked] = oidc.requests;
    assert.equal(asked!.method, 'POST');
    assert.deepEqual(asked!.query, { 'api-version': '7.1', serviceConnectionId: SERVICE_CONNECTION });
    assert.equal(asked!.headers.authorization, `Bearer ${ACCESS_TOKEN}`);
    assert.equal(asked!.headers['content-type'], 'application/json');

    const lines = run.stderr.split('\n');
    assert.ok(lines.includes(`##vso[task.setsecret]${OIDC_TOKEN}`), 'the OIDC token was not registered with the agent');
    assert.ok(lines.includes(`##vso[task.setsecret]${ACCESS_TOKEN}`), 'the access token was not registered with the agent');
    assertNotPrinted(run, OIDC_TOKEN, 'the OIDC token');
    assertNotPrinted(run, ACCESS_TOKEN, 'the access token');
  });

  it('an access token the endpoint refuses: exit 1 with the advice to map System.AccessToken, asked once, nothing registered', async () => {
    const before = oidc.requests.length;
    const armWrites = () =>
      Object.entries(emu.journal.requests)
        .filter(([name]) => name.startsWith('arm-put'))
        .reduce((sum, [, n]) => sum + n, 0);
    const writesBefore = armWrites();
    const run = await release('2.0.0', { SYSTEM_ACCESSTOKEN: 'a-personal-access-token-zz9' });
    assert.equal(run.exitCode, 1, run.stderr + run.stdout);
    // The endpoint's refusal is the whole message, not buried in Azure AD's advice about the principal.
    assert.match(
      run.json.error,
      /^Azure Pipelines answered the request for the OIDC token of service connection \S+ with HTTP 401 \("TF400813: The user is not authorized\."\): the job's access token in SYSTEM_ACCESSTOKEN was not accepted/
    );
    assert.match(run.json.error, /'env: SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\)'/);
    assert.match(run.json.error, /\(x-vss-e2eid e2e-\d+\)\.$/);
    assert.equal(oidc.requests.length, before + 1, 'a 401 was asked again');
    assert.equal(armWrites(), writesBefore, 'ARM was written to without a token');
    assertNotPrinted(run, 'a-personal-access-token-zz9', 'the access token');
  });
});
