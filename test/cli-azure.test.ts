// End to end: the CLI installed as an npm package, on the Azure paths: a release through Blob
// storage (ExternalStore, Azurite) v1 → v2 with the SAS never printed, a release to a managed cluster
// through the emulator's ARM surface with a federated token (GitLab/Azure Pipelines style) and then
// a secret, bad Blob/ARM flags refused before any request, and `changed-packages` in the JSON.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { clusterBlobScope } from '../src/azure/blob-location.js';
import { type ArmRig, CLUSTER, startArmRig } from './helpers/arm-rig.js';
import { startAzurite, type TestAzurite } from './helpers/azurite.js';
import { assertNotPrinted, type InstalledCli, installCli, runCli, unsignedJwt } from './helpers/cli.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';
import { readZip } from './helpers/zip-reader.js';

const PARAMETER_FILE = path.resolve('sample', 'ApplicationParameters', 'Cloud.xml');
const TENANT = '72f988bf-0000-4000-8000-00000000cc33';
const CLIENT = { clientId: '11111111-0000-4000-8000-000000000003', clientSecret: 'cli-arm-secret_77q' };
/** A GitLab-style ID token (unsigned: the emulator's authority compares the assertion as text). */
const FEDERATED_TOKEN = unsignedJwt(
  { iss: 'https://gitlab.example.com', sub: 'project_path:group/app:ref_type:branch:ref:main', aud: 'api://AzureADTokenExchange', exp: 4102444800 },
  'Z2l0bGFiLXNpZ25hdHVyZQ'
);
const FAST = ['--upgrade-settings', 'HealthCheckWaitDurationSec=0', '--upgrade-settings', 'HealthCheckStableDurationSec=0'];

/** The .sfpkg in Azurite holds the package's files, byte for byte. */
async function assertBlobHoldsPackage(azurite: TestAzurite, container: string, blob: string, pkg: string): Promise<void> {
  const local = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-cli-sfpkg-')), 'package.sfpkg');
  await azurite.container(container).getBlobClient(blob).downloadToFile(local);
  const entries = new Map((await readZip(local)).filter(e => !e.name.endsWith('/')).map(e => [e.name, e.content]));
  const files = (await readdir(pkg, { recursive: true, withFileTypes: true }))
    .filter(e => e.isFile())
    .map(e => path.relative(pkg, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  assert.deepEqual([...entries.keys()].sort(), files.sort());
  for (const f of files) assert.ok(entries.get(f)?.equals(await readFile(path.join(pkg, f))), `${f} differs in the .sfpkg`);
}

describe('CLI: release through Blob storage (ExternalStore)', () => {
  let emu: TestEmulator;
  let azurite: TestAzurite;
  let cli: InstalledCli;
  let containerUrl: string;
  let sas: string;
  let sig: string;
  before(async () => {
    [emu, azurite, cli] = await Promise.all([
      startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 } }),
      startAzurite(),
      installCli()
    ]);
    containerUrl = await azurite.createContainer('clipackages');
    sas = azurite.containerSas('clipackages', 'rw');
    sig = new URLSearchParams(sas).get('sig')!;
  });
  after(async () => {
    await Promise.all([emu?.dispose(), azurite?.dispose()]);
  });

  const env = (extra: Record<string, string> = {}) => ({
    SFU_CLUSTER_ENDPOINT: emu.url,
    SFU_BLOB_SAS: sas,
    SFU_TEST_BLOB_ORIGIN: azurite.origin,
    ...extra
  });

  it('v1 then v2 (under Azure Pipelines, through npx): provisioned from the .sfpkg, no Image Store write, the SAS never printed', async () => {
    const v1 = await sampleAtVersion('1.0.0');
    const first = await runCli(cli, ['release', '--package-path', v1, '--blob-container-url', containerUrl, '--application-parameter-file', PARAMETER_FILE], {
      env: env()
    });
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.json['blob-result'], 'uploaded');
    const staged = `VotingType/${clusterBlobScope(emu.url)}/VotingType.1.0.0.sfpkg`;
    assert.equal(first.json['package-url'], `${containerUrl}/${staged}`);
    assert.equal(first.json['provision-result'], 'provisioned');
    assert.equal(first.json['application-result'], 'created');
    assert.match(first.stderr, /Provision VotingType 1\.0\.0 from an \.sfpkg in Blob storage/);
    assertNotPrinted(first, sig, 'the SAS signature');
    assert.doesNotMatch(first.stdout, /##vso/);
    await assertBlobHoldsPackage(azurite, 'clipackages', staged, v1);

    const v2 = await sampleAtVersion('2.0.0');
    const second = await runCli(cli, ['release', '--package-path', v2, '--application-name', 'fabric:/VotingApp', ...FAST], {
      npx: true,
      env: env({ TF_BUILD: 'True', SFU_BLOB_CONTAINER_URL: containerUrl, SFU_BLOB_NAME: 'ci/VotingType-2.sfpkg', SFU_OMITTED_PARAMETERS: 'keep' })
    });
    assert.equal(second.exitCode, 0, second.stderr + second.stdout);
    assert.equal(second.json['application-result'], 'upgraded');
    assert.equal(second.json['previous-application-type-version'], '1.0.0');
    assert.equal(second.json['package-url'], `${containerUrl}/ci/VotingType-2.sfpkg`);
    // The agent learns every secret before anything else is printed, and the outputs as variables.
    const lines = second.stderr.split('\n');
    const firstOther = lines.findIndex(l => !l.startsWith('##vso[task.setsecret]'));
    // The agent's escaping of the data: '%' is '%AZP25'.
    assert.ok(lines.slice(0, firstOther).includes(`##vso[task.setsecret]${sas.replace(/%/g, '%AZP25')}`), 'the SAS was not registered first');
    assert.ok(lines.includes(`##vso[task.setsecret]${sig}`), 'the SAS signature was not registered');
    assert.ok(lines.includes('##vso[task.setvariable variable=blob_result;isOutput=true]uploaded'), second.stderr);
    assertNotPrinted(second, sig, 'the SAS signature');
    await assertBlobHoldsPackage(azurite, 'clipackages', 'ci/VotingType-2.sfpkg', v2);

    const app = (await (await fetch(`${emu.url}/Applications/VotingApp?api-version=6.0`)).json()) as { TypeVersion: string };
    assert.equal(app.TypeVersion, '2.0.0');
    const writes = emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk' || e.op === 'commit');
    assert.equal(writes.length, 0, 'the package went through the Image Store');
  });

  it('a plan file: each entry with its own blob name, the container and SAS shared from the environment', async () => {
    const [v6, v7] = await Promise.all([sampleAtVersion('6.0.0'), sampleAtVersion('7.0.0')]);
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-cli-plan-')), 'release.json');
    await writeFile(
      file,
      JSON.stringify({
        applications: [
          { 'package-path': v6, provision: true, 'blob-name': 'plan/first.sfpkg' },
          { 'package-path': v7, provision: true, 'blob-name': 'plan/second.sfpkg' }
        ]
      })
    );
    const run = await runCli(cli, ['release', '--plan', file], { env: env({ SFU_BLOB_CONTAINER_URL: containerUrl }) });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(
      (run.json.applications as Record<string, string>[]).map(a => [a['package-url'], a['provision-result']]),
      [
        [`${containerUrl}/plan/first.sfpkg`, 'provisioned'],
        [`${containerUrl}/plan/second.sfpkg`, 'provisioned']
      ]
    );
    await assertBlobHoldsPackage(azurite, 'clipackages', 'plan/second.sfpkg', v7);
    assertNotPrinted(run, sig, 'the SAS signature');
  });

  it('a bad Blob or ARM flag is exit 2 before any request: nothing reaches the cluster or the container', async () => {
    const v3 = await sampleAtVersion('3.0.0');
    const requests = totalRequests(emu.journal);
    const blobs = async () => {
      const names: string[] = [];
      for await (const b of azurite.container('clipackages').listBlobsFlat()) names.push(b.name);
      return names.sort();
    };
    const stored = await blobs();
    const base = ['release', '--package-path', v3, '--provision', '--blob-container-url', containerUrl];
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[...base, '--blob-name', 'VotingType/3.0.0.zip'], {}, /'--blob-name' is 'VotingType\/3\.0\.0\.zip': it must end in '\.sfpkg'/],
      [base, { SFU_BLOB_SAS: 'sv=2024-08-04&sr=c&sp=rw&se=2020-01-01T00%3A00%3A00Z&sig=ZXhwaXJlZC1zaWduYXR1cmU%3D' }, /'--blob-sas' expired/],
      [base, { SFU_TEST_BLOB_ORIGIN: '' }, /'--blob-container-url' must be an https:\/\/ Azure Storage blob endpoint/],
      [[...base, '--diff-package'], {}, /'--diff-package' leaves parts out of an Image Store upload/],
      [[...base, '--delete-blob'], {}, /'--blob-sas' lacks the permission 'd'/],
      [
        [...base, '--managed-cluster-resource-id', CLUSTER],
        {},
        /'--managed-cluster-resource-id' needs '--azure-client-id' and '--azure-tenant-id' \(with '--azure-client-secret', or '--azure-federated-token\[-file\]' or '--azure-pipelines-service-connection'\)/
      ],
      [
        [...base, '--managed-cluster-resource-id', CLUSTER],
        { SFU_AZURE_CLIENT_ID: CLIENT.clientId, SFU_AZURE_TENANT_ID: TENANT, SFU_AZURE_CLIENT_SECRET: CLIENT.clientSecret },
        /'--cluster-endpoint' beside '--managed-cluster-resource-id' is the managed cluster's gateway, https:\/\/<fqdn>:19080, read to follow the upgrade; not 'http:/
      ],
      [
        ['release', '--package-path', v3, '--provision', '--arm-endpoint', 'https://management.azure.com'],
        {},
        /'--arm-endpoint' needs '--managed-cluster-resource-id'/
      ]
    ];
    for (const [args, extra, message] of cases) {
      const run = await runCli(cli, args, { env: env(extra) });
      assert.equal(run.exitCode, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.json.error, message);
      assert.match(run.stderr, message);
      assertNotPrinted(run, sig, 'the SAS signature');
    }
    assert.equal(totalRequests(emu.journal), requests, 'a request reached the emulator');
    assert.deepEqual(await blobs(), stored, 'a blob was written');
  });
});

describe('CLI: release to a managed cluster through ARM', () => {
  let rig: ArmRig;
  let cli: InstalledCli;
  before(async () => {
    [rig, cli] = await Promise.all([
      startArmRig({ tenantId: TENANT, clientId: CLIENT.clientId, federatedToken: FEDERATED_TOKEN, management: { upgradeDomainSeconds: 0.1 } }),
      installCli()
    ]);
  });
  after(() => rig?.dispose());

  const release = async (version: string, extraArgs: string[], extraEnv: Record<string, string>) =>
    runCli(
      cli,
      [
        'release',
        '--package-path',
        await sampleAtVersion(version),
        '--managed-cluster-resource-id',
        CLUSTER,
        '--arm-endpoint',
        rig.emu.url,
        '--application-name',
        'fabric:/VotingCliArm',
        ...FAST,
        ...extraArgs
      ],
      {
        env: {
          ...rig.env,
          SFU_AZURE_CLIENT_ID: CLIENT.clientId,
          SFU_AZURE_TENANT_ID: TENANT,
          SFU_BLOB_CONTAINER_URL: rig.containerUrl,
          SFU_BLOB_SAS: rig.sas!,
          ...extraEnv
        }
      }
    );

  const clusterVersion = (id: string) => (rig.emu.emulator.management.getApplication(id).json as { TypeVersion?: string } | undefined)?.TypeVersion;

  it('v1 with a federated token file (a GitLab id_token), v2 with a client secret: created, then upgraded; no credential printed', async () => {
    const tokenFile = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-cli-jwt-')), 'id_token');
    await writeFile(tokenFile, `${FEDERATED_TOKEN}\n`);
    const v1 = await release('1.0.0', ['--azure-federated-token-file', tokenFile], {});
    assert.equal(v1.exitCode, 0, v1.stderr);
    assert.equal(v1.json['provision-result'], 'provisioned');
    assert.equal(v1.json['application-result'], 'created');
    assert.match(v1.stderr, /Register VotingType 1\.0\.0 through ARM/);
    assertNotPrinted(v1, FEDERATED_TOKEN, 'the federated token');
    assert.equal(clusterVersion('VotingCliArm'), '1.0.0');

    const v2 = await release('2.0.0', [], { SFU_AZURE_CLIENT_SECRET: rig.clientSecret, TF_BUILD: 'True' });
    assert.equal(v2.exitCode, 0, v2.stderr + v2.stdout);
    assert.equal(v2.json['application-result'], 'upgraded');
    assert.equal(v2.json['previous-application-type-version'], '1.0.0');
    assert.ok(v2.stderr.includes(`##vso[task.setsecret]${rig.clientSecret}`), 'the client secret was not registered');
    assertNotPrinted(v2, rig.clientSecret, 'the client secret');
    assert.equal(clusterVersion('VotingCliArm'), '2.0.0');
    assert.equal(rig.emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk').length, 0);
  });

  it('a service principal with no credential, or a federated token that is not a JWT, is exit 2 before any request', async () => {
    const requests = totalRequests(rig.emu.journal);
    const none = await release('3.0.0', [], {});
    assert.equal(none.exitCode, 2, none.stderr);
    assert.match(none.json.error, /'--azure-client-id' needs a credential here .*'--azure-federated-token'/);
    const bad = await release('3.0.0', [], { SFU_AZURE_FEDERATED_TOKEN: 'not-a-jwt-value' });
    assert.equal(bad.exitCode, 2, bad.stderr);
    assert.match(bad.json.error, /'--azure-federated-token' is not a JWT/);
    assert.equal(totalRequests(rig.emu.journal), requests, 'a request was sent');
  });

  it("a gateway that wants Azure AD, reached with no credential: the advice names the CLI's flags, not GitHub OIDC", async () => {
    const run = await runCli(cli, ['upload', '--cluster-endpoint', rig.emu.url, '--package-path', await sampleAtVersion('1.0.0'), '--retries', '1'], {
      env: { NODE_EXTRA_CA_CERTS: path.join(rig.certs.dir, 'server-ca.crt') }
    });
    assert.equal(run.exitCode, 1, run.stderr);
    assert.match(run.json.error, /The cluster requires an Azure AD token: give '--aad-token', or '--azure-client-id' and '--azure-tenant-id'/);
    assert.match(run.json.error, /'--azure-federated-token' or '--azure-federated-token-file'/);
    assert.doesNotMatch(run.json.error, /GitHub/);
  });
});

describe('CLI: changed-packages with version-stamp content', () => {
  let emu: TestEmulator;
  let cli: InstalledCli;
  before(async () => {
    [emu, cli] = await Promise.all([startTestEmulator({ management: { upgradeDomains: 1, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 } }), installCli()]);
  });
  after(() => emu.dispose());

  it('the JSON result and the Azure Pipelines variable carry the changed packages, as the action output does', async () => {
    const v1 = await sampleAtVersion('1.0.0');
    const run = await runCli(
      cli,
      ['release', '--cluster-endpoint', emu.url, '--package-path', v1, '--application-parameter-file', PARAMETER_FILE, '--version-stamp', 'content'],
      { env: { TF_BUILD: 'True' } }
    );
    assert.equal(run.exitCode, 0, run.stderr);
    const changed = JSON.parse(run.json['changed-packages']) as { service: string; package: string; kind: string; version: string }[];
    // Nothing ran before: every service manifest and package changed, at its stamped version.
    assert.deepEqual(changed.map(c => `${c.service}/${c.package} ${c.kind}`).sort(), [
      'VotingDataPkg/Code CodePackage',
      'VotingDataPkg/Config ConfigPackage',
      'VotingDataPkg/Data DataPackage',
      'VotingDataPkg/VotingDataPkg ServiceManifest',
      'VotingWebPkg/Code CodePackage',
      'VotingWebPkg/Config ConfigPackage',
      'VotingWebPkg/VotingWebPkg ServiceManifest'
    ]);
    assert.ok(
      changed.every(c => /^1\.0\.0-[0-9a-f]{12}$/.test(c.version)),
      JSON.stringify(changed)
    );
    assert.ok(run.stderr.split('\n').includes(`##vso[task.setvariable variable=changed_packages;isOutput=true]${run.json['changed-packages']}`));

    // The same package again: nothing changed.
    const again = await runCli(cli, [
      'release',
      '--cluster-endpoint',
      emu.url,
      '--package-path',
      v1,
      '--application-parameter-file',
      PARAMETER_FILE,
      '--version-stamp',
      'content'
    ]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(again.json['changed-packages'], '[]');
  });
});
