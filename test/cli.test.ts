// End to end: the CLI installed as an npm package and run as a CI job runs it (node_modules/.bin,
// `npx service-fabric-upload …`), against the emulator: upload, release, upgrade, rollback, bad input.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { type InstalledCli, installCli, runCli } from './helpers/cli.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';
import { assertCleanJournal, assertStoreMatchesPackage, makePackage } from './helpers/packages.js';

const PARAMETER_FILE = path.resolve('sample', 'ApplicationParameters', 'Cloud.xml');

describe('CLI: upload, release, upgrade, rollback', () => {
  let emu: TestEmulator;
  let cli: InstalledCli;
  let v1: string;
  before(async () => {
    emu = await startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1, unhealthyVersions: ['3.0.0'] } });
    cli = await installCli();
    v1 = await sampleAtVersion('1.0.0');
  });
  after(() => emu.dispose());

  it('upload: the store holds the package byte for byte; the result is JSON on stdout with the action output names', async () => {
    const run = await runCli(cli, ['upload', '--package-path', v1, '--image-store-path', 'Up/1.0.0', '--chunk-size', '64KiB'], {
      env: { SFU_CLUSTER_ENDPOINT: emu.url }
    });
    assert.equal(run.exitCode, 0, run.stderr);
    await assertStoreMatchesPackage(emu, 'Up/1.0.0', v1);
    assertCleanJournal(emu);
    assert.equal(run.json['image-store-path'], 'Up/1.0.0');
    assert.equal(run.json['application-type-version'], '1.0.0');
    assert.ok(Number(run.json['file-count']) > 5, run.stdout);
    assert.equal(run.json.error, undefined);
    assert.equal(emu.journal.managementCalls.length, 0);
    assert.doesNotMatch(run.stdout, /##vso/);
    assert.match(run.stderr, /Scan the package/);
  });

  it('release v1 through npx: uploads, provisions, creates the application', async () => {
    const run = await runCli(cli, ['release', '--cluster-endpoint', emu.url, '--package-path', v1, '--image-store-path', 'VotingApp/1.0.0'], {
      npx: true,
      env: { SFU_APPLICATION_PARAMETER_FILE: PARAMETER_FILE, SFU_APPLICATION_PARAMETERS: 'VotingWeb_InstanceCount=2' }
    });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.json['provision-result'], 'provisioned');
    assert.equal(run.json['application-result'], 'created');
    const app = (await (await fetch(`${emu.url}/Applications/VotingApp?api-version=6.0`)).json()) as { TypeVersion: string };
    assert.equal(app.TypeVersion, '1.0.0');
  });

  it('upgrade to v2 domain by domain: exit 0, upgraded from 1.0.0', async () => {
    const v2 = await sampleAtVersion('2.0.0');
    const run = await runCli(cli, ['release', '--application-name', 'fabric:/VotingApp', '--upgrade-settings', 'HealthCheckStableDurationSec=0'], {
      npx: true,
      env: { SFU_CLUSTER_ENDPOINT: emu.url, SFU_PACKAGE_PATH: v2, SFU_IMAGE_STORE_PATH: 'VotingApp/2.0.0', SFU_OMITTED_PARAMETERS: 'keep' }
    });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.json['application-result'], 'upgraded');
    assert.equal(run.json['previous-application-type-version'], '1.0.0');
    assert.equal(run.json['upgrade-state'], 'RollingForwardCompleted');
    assert.match(run.stderr, /Upgrade domain UD1: completed/);
  });

  it('a failed health check rolls back: exit 1, the reason in the JSON and on stderr', async () => {
    const v3 = await sampleAtVersion('3.0.0');
    const run = await runCli(cli, [
      'release',
      '--cluster-endpoint',
      emu.url,
      '--package-path',
      v3,
      '--application-name',
      'fabric:/VotingApp',
      '--omitted-parameters=keep'
    ]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.equal(run.json['upgrade-state'], 'RollingBackCompleted');
    assert.match(run.json.error, /failed and was rolled back/);
    assert.match(run.stderr, /^error: The upgrade of fabric:\/VotingApp to 3\.0\.0 failed and was rolled back/m);
  });

  it('a bad flag or value exits 2 naming the flag, before any request', async () => {
    const before = totalRequests(emu.journal);
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['release', '--cluster-endpoint', emu.url, '--package-path', v1, '--chunksize', '1MiB'],
        {},
        /Unknown flag '--chunksize' \(did you mean '--chunk-size'\?\)/
      ],
      [['upload', '--package-path', v1], { SFU_CLUSTER_ENDPOINT: emu.url, SFU_CHUNK_SIZE: '1' }, /'--chunk-size' must be from 64KiB to 1GiB/],
      [['upload', '--cluster-endpoint', emu.url, '--package-path', v1, '--application-name', 'fabric:/X'], {}, /'--application-name' is a release setting/],
      [['release', '--cluster-endpoint', emu.url, '--package-path', v1], {}, /'release' needs an application/],
      [
        ['release', '--cluster-endpoint', emu.url, '--package-path', v1, '--upgrade-mode', 'Sideways'],
        {},
        /'--upgrade-mode' must be one of Monitored, UnmonitoredAuto/
      ],
      [['deploy'], {}, /Unknown command 'deploy'/],
      // Refused by the package's own manifest, still before any request.
      [
        ['release', '--cluster-endpoint', emu.url, '--package-path', v1, '--application-name', 'fabric:/VotingApp', '--application-parameters', 'Undeclared=1'],
        {},
        /'--application-parameters' sets 'Undeclared', which ApplicationManifest.xml of VotingType 1.0.0 does not declare/
      ]
    ];
    for (const [args, env, message] of cases) {
      const run = await runCli(cli, args, { env });
      assert.equal(run.exitCode, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.json.error, message, 'the JSON result holds the error');
    }
    assert.equal(totalRequests(emu.journal), before, 'no request reached the emulator');
  });

  it('plan: a dry run that changes nothing, and --help per command', async () => {
    const writes = emu.journal.entries.length;
    const run = await runCli(cli, ['plan', '--cluster-endpoint', emu.url, '--package-path', v1, '--application-name', 'fabric:/VotingPlanned']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stderr, /Create or upgrade fabric:\/VotingPlanned/);
    assert.equal(emu.journal.entries.length, writes);
    const help = await runCli(cli, ['upload', '--help']);
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /--chunk-size +SFU_CHUNK_SIZE/);
    assert.doesNotMatch(help.stdout, /--application-name/);
  });

  it('stdout stays JSON with a non-default include (no ::debug:: lines of the glob library)', async () => {
    const pkg = await makePackage(
      { 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>', 'Svc/a.txt': 'a', 'Svc/b.log': 'b' },
      'Globbed'
    );
    const run = await runCli(cli, ['upload', '--cluster-endpoint', emu.url, '--package-path', pkg, '--include', '**', '--include', '!**/*.log']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /::debug::/);
    assert.equal(run.json['file-count'], '2', run.stdout);
  });

  it('the bundle is one runnable file without the action or the emulator', async () => {
    const bundle = await readFile(path.join(PROJECT_ROOT, 'dist', 'cli', 'index.js'), 'utf8');
    assert.ok(bundle.startsWith('#!/usr/bin/env node\n'));
    for (const name of [
      'actionsReporter',
      'writeUploadSummary',
      'githubOidcToken',
      'readReleaseJob(read = name => core.getInput',
      'startEmulator',
      'ImageStoreEmulator'
    ]) {
      assert.ok(!bundle.includes(name), `dist/cli holds ${name}`);
    }
  });
});
