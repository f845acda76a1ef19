// End to end: the CLI's plan file (several applications in order, stopping at the first failure),
// Azure Pipelines logging commands under TF_BUILD (and none elsewhere), secrets, cancellation.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { makeTestCertificates, type TestCertificates } from './helpers/certificates.js';
import { type InstalledCli, installCli, runCli } from './helpers/cli.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';
import { makePackage } from './helpers/packages.js';

async function applicationVersion(emu: TestEmulator, id: string): Promise<string | undefined> {
  const res = await fetch(`${emu.url}/Applications/${id}?api-version=6.0`);
  const text = await res.text();
  return res.ok && text !== '' ? (JSON.parse(text) as { TypeVersion: string }).TypeVersion : undefined;
}

describe('CLI: plan file', () => {
  let emu: TestEmulator;
  let cli: InstalledCli;
  let v1: string;
  before(async () => {
    emu = await startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 } });
    cli = await installCli();
    v1 = await sampleAtVersion('1.0.0');
  });
  after(() => emu.dispose());

  async function planFile(name: string, plan: unknown): Promise<string> {
    // Beside the package, so that a relative package-path is read against the plan file's folder.
    const file = path.join(path.dirname(v1), name);
    await writeFile(file, JSON.stringify(plan, null, 2));
    return file;
  }

  it('releases two applications in order, each with its own settings; flags and SFU_* are their defaults', async () => {
    const file = await planFile('two.json', {
      applications: [
        { 'package-path': 'VotingApp', 'image-store-path': 'PlanA/1.0.0', 'application-name': 'fabric:/PlanA' },
        { 'package-path': v1, 'image-store-path': 'PlanB/1.0.0', 'application-name': 'fabric:/PlanB', 'application-parameters': { VotingWeb_InstanceCount: 3 } }
      ]
    });
    const run = await runCli(cli, ['release', '--plan', file, '--chunk-size', '64KiB'], { env: { SFU_CLUSTER_ENDPOINT: emu.url } });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(run.json.released, ['fabric:/PlanA', 'fabric:/PlanB']);
    assert.deepEqual(run.json['not-started'], []);
    assert.equal(run.json.applications[0]['provision-result'], 'provisioned');
    assert.equal(run.json.applications[1]['provision-result'], 'already-provisioned');
    assert.equal(run.json.applications[1]['application-result'], 'created');
    assert.equal(await applicationVersion(emu, 'PlanA'), '1.0.0');
    const b = (await (await fetch(`${emu.url}/Applications/PlanB?api-version=6.0`)).json()) as { Parameters: { Key: string; Value: string }[] };
    assert.deepEqual(b.Parameters, [{ Key: 'VotingWeb_InstanceCount', Value: '3' }]);
  });

  it('stops at the first failure and says which applications were released and which were not started', async () => {
    const file = await planFile('stops.json', {
      applications: [
        { 'package-path': v1, 'image-store-path': 'PlanC/1.0.0', 'application-name': 'fabric:/PlanC' },
        { 'package-path': v1, 'image-store-path': 'PlanD/1.0.0', 'application-name': 'fabric:/PlanD', 'application-parameters': ['Undeclared=1'] },
        { 'package-path': v1, 'image-store-path': 'PlanE/1.0.0', 'application-name': 'fabric:/PlanE' }
      ]
    });
    const run = await runCli(cli, ['release', '--plan', file, '--cluster-endpoint', emu.url]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.deepEqual(run.json.released, ['fabric:/PlanC']);
    assert.equal(run.json.failed, 'fabric:/PlanD');
    assert.match(run.json.error, /'--application-parameters' sets 'Undeclared'/);
    assert.deepEqual(run.json['not-started'], ['fabric:/PlanE']);
    assert.equal(await applicationVersion(emu, 'PlanC'), '1.0.0');
    assert.equal(await applicationVersion(emu, 'PlanE'), undefined);
  });

  it('a bad plan file exits 2 naming the entry, before any request', async () => {
    const before = totalRequests(emu.journal);
    const cases: [unknown, RegExp][] = [
      [
        {
          applications: [
            { 'package-path': v1, 'application-name': 'fabric:/Ok' },
            { 'package-path': v1, chunksize: '1MiB' }
          ]
        },
        /applications\[1\] has an unknown setting "chunksize"/
      ],
      [
        {
          applications: [
            { 'package-path': v1, 'application-name': 'fabric:/Ok' },
            { 'package-path': v1, 'application-name': 'fabric:/Bad', 'chunk-size': '1' }
          ]
        },
        /fabric:\/Bad: '--chunk-size' must be from 64KiB/
      ],
      [{ apps: [] }, /unknown entry 'apps'/],
      [
        { applications: [{ 'package-path': v1, 'application-name': 'fabric:/X', 'deploy-timeout': { s: 1 } }] },
        /applications\[0\], "deploy-timeout" must be a string/
      ]
    ];
    for (const [plan, message] of cases) {
      const run = await runCli(cli, ['release', '--plan', await planFile('bad.json', plan), '--cluster-endpoint', emu.url]);
      assert.equal(run.exitCode, 2, run.stderr);
      assert.match(run.stderr, message);
    }
    assert.equal(totalRequests(emu.journal), before);
  });
});

describe('CLI: Azure Pipelines, secrets, cancellation', () => {
  let certs: TestCertificates;
  let emu: TestEmulator;
  let cli: InstalledCli;
  let pkg: string;
  before(async () => {
    certs = await makeTestCertificates();
    emu = await startTestEmulator({ tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa } });
    cli = await installCli();
    pkg = await makePackage(
      { 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>', 'Svc/a.txt': 'a' },
      'Secure'
    );
  });
  after(() => emu.dispose());

  const secureEnv = () => ({
    SFU_CLUSTER_ENDPOINT: emu.url,
    SFU_CLIENT_CERTIFICATE: certs.clientPfxBase64,
    SFU_CLIENT_CERTIFICATE_PASSWORD: certs.clientPfxPassword,
    SFU_CA_CERTIFICATE: certs.serverCa
  });

  it('under TF_BUILD: setsecret first, output variables, and secrets given by env never printed; stdout only the JSON', async () => {
    const run = await runCli(cli, ['upload', '--package-path', pkg, '--image-store-path', 'Secure/1'], { env: { ...secureEnv(), TF_BUILD: 'True' } });
    assert.equal(run.exitCode, 0, run.stderr);
    // The agent reads logging commands on stderr too: stdout, often redirected to a file, has the JSON alone.
    assert.equal(run.stdout.trim(), JSON.stringify(JSON.parse(run.stdout), null, 2));
    assert.doesNotMatch(run.stdout, /##vso/);
    const lines = run.stderr.split('\n');
    assert.equal(lines[0], `##vso[task.setsecret]${certs.clientPfxBase64}`);
    assert.ok(lines.includes(`##vso[task.setsecret]${certs.clientPfxPassword}`));
    assert.ok(lines.includes('##vso[task.setvariable variable=image_store_path;isOutput=true]Secure/1'), run.stderr);
    assert.ok(lines.includes('##vso[task.setvariable variable=file_count;isOutput=true]2'), run.stderr);
    assert.equal(run.json['file-count'], '2');
    const visible = lines.filter(l => !l.startsWith('##vso[task.setsecret]')).join('\n') + run.stdout;
    for (const secret of [certs.clientPfxBase64, certs.clientPfxPassword]) assert.ok(!visible.includes(secret), 'a secret was printed');
  });

  it('without TF_BUILD: no logging commands; a secret that reaches a message is masked', async () => {
    const run = await runCli(cli, ['upload', '--package-path', pkg, '--image-store-path', 'Secure/2'], { env: secureEnv() });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /##vso\[/);
    // A password pasted where a flag was expected is echoed in the error, masked.
    const pasted = await runCli(cli, ['upload', certs.clientPfxPassword], { env: secureEnv() });
    assert.equal(pasted.exitCode, 2);
    assert.match(pasted.stderr, /Unexpected argument '\*\*\*'/);
    assert.ok(!pasted.stderr.includes(certs.clientPfxPassword));
  });

  it('a warning and an error are logissue commands under TF_BUILD, plain lines elsewhere', async () => {
    const args = ['upload', '--package-path', pkg, '--image-store-path', 'Secure/3', '--include', 'nothing-matches/**', '--include', '**'];
    const azure = await runCli(cli, args, { env: { ...secureEnv(), TF_BUILD: 'True' } });
    assert.equal(azure.exitCode, 0, azure.stderr);
    assert.match(azure.stderr, /^##vso\[task\.logissue type=warning\]The '--include' pattern 'nothing-matches\/\*\*' matches nothing/m);
    const plain = await runCli(cli, args, { env: secureEnv() });
    assert.match(plain.stderr, /^warning: The '--include' pattern/m);
    const failed = await runCli(cli, ['upload', '--package-path', pkg, '--chunk-size', '1'], { env: { ...secureEnv(), TF_BUILD: 'True' } });
    assert.equal(failed.exitCode, 2);
    assert.match(failed.stderr, /^##vso\[task\.logissue type=error\]'--chunk-size' must be/m);
  });
});

describe('CLI: cancellation', () => {
  it('SIGINT during the upgrade wait exits 130 and says the upgrade goes on', async () => {
    const emu = await startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 30, provisionSeconds: 0.1 } });
    try {
      const cli = await installCli();
      const args = ['release', '--cluster-endpoint', emu.url, '--application-name', 'fabric:/Cancel'];
      assert.equal((await runCli(cli, [...args, '--package-path', await sampleAtVersion('1.0.0')])).exitCode, 0);
      let sent = false;
      const run = await runCli(cli, [...args, '--package-path', await sampleAtVersion('1.1.0')], {
        onStart: child =>
          child.stderr?.on('data', (d: Buffer) => {
            if (!sent && /Upgrade domain UD0: started/.test(d.toString())) {
              sent = true;
              child.kill('SIGINT');
            }
          })
      });
      assert.ok(sent, run.stderr);
      assert.equal(run.exitCode, 130, run.stderr);
      assert.match(run.json.error, /cancelled while fabric:\/Cancel was upgrading to 1\.1\.0/);
    } finally {
      await emu.dispose();
    }
  });
});
