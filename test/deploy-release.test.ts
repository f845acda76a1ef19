// End to end: a whole release (upload → provision → create or upgrade → wait) through the built
// dist/index.js, run as the runner runs it, against the emulator's management plane.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';

const SAMPLE = path.resolve('sample');
const PARAMETER_FILE = path.join(SAMPLE, 'ApplicationParameters', 'Cloud.xml');
const PUBLISH_PROFILE = path.join(SAMPLE, 'PublishProfiles', 'Cloud.xml');
const FAST_POLLS = { SFU_POLL_INTERVAL_MS: '50' };

function uploads(emu: TestEmulator): number {
  return emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk' || e.op === 'commit').length;
}

async function getJson<T>(emu: TestEmulator, route: string, query: Record<string, string> = {}): Promise<{ status: number; body: T | undefined }> {
  const res = await fetch(`${emu.url}${route}?${new URLSearchParams({ 'api-version': '6.0', ...query })}`);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as T) };
}

async function application(emu: TestEmulator, id: string) {
  return (await getJson<{ TypeVersion: string; Status: string; Parameters: { Key: string; Value: string }[] }>(emu, `/Applications/${id}`)).body;
}

async function typeVersions(emu: TestEmulator, typeName = 'VotingType'): Promise<string[]> {
  const r = await getJson<{ Items: { Version: string }[] }>(emu, `/ApplicationTypes/${typeName}`);
  return (r.body?.Items ?? []).map(i => i.Version).sort();
}

function release(emu: TestEmulator, packagePath: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: {
      'cluster-endpoint': emu.url,
      'package-path': packagePath,
      'image-store-path': `VotingApp/${/sfu-voting-([^-]+)-/.exec(packagePath)?.[1] ?? 'x'}`,
      ...inputs
    },
    env: { ...FAST_POLLS, ...env }
  });
}

const managementCalls = (emu: TestEmulator, operation: string) => emu.journal.managementCalls.filter(c => c.operation === operation);

describe('release: provision, create, upgrade', () => {
  let emu: TestEmulator;
  let v1: string;
  let v2: string;
  before(async () => {
    emu = await startTestEmulator({ management: { upgradeDomains: 3, upgradeDomainSeconds: 0.2, provisionSeconds: 0.2, unhealthyVersions: ['3.0.0'] } });
    v1 = await sampleAtVersion('1.0.0');
    v2 = await sampleAtVersion('2.0.0');
  });
  after(() => emu.dispose());

  it('a plain upload sets the identity outputs and sends no management request', async () => {
    const run = await release(emu, v1, { 'image-store-path': 'Plain/1.0.0' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['application-type-name'], 'VotingType');
    assert.equal(run.outputs['application-type-version'], '1.0.0');
    assert.equal(run.outputs['provision-result'], undefined);
    assert.equal(emu.journal.managementCalls.length, 0);
    assert.ok(
      Object.keys(emu.journal.requests).every(r => !/application/i.test(r)),
      JSON.stringify(emu.journal.requests)
    );
    assert.doesNotMatch(run.summary, /Service Fabric release/);
  });

  it('a dry run prints the release plan and whether the version is provisioned, and changes nothing', async () => {
    const writesBefore = emu.journal.entries.length;
    const run = await release(emu, v1, { 'publish-profile': PUBLISH_PROFILE, 'dry-run': 'true' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /Create or upgrade fabric:\/VotingApp \(Monitored, failure action Rollback\)/);
    assert.match(run.stdout, /Parameters: VotingData_PartitionCount, VotingWeb_InstanceCount from the parameter file/);
    assert.match(run.stdout, /Is VotingType 1.0.0 provisioned already\?\nNo: the package is uploaded and provisioned/);
    assert.equal(emu.journal.entries.length, writesBefore);
    assert.equal(emu.journal.managementCalls.length, 0);
    assert.match(run.summary, /VotingType 1.0.0: planned, not deployed \(dry run\)/);
  });

  it('an undeclared parameter is refused before any request', async () => {
    const before = totalRequests(emu.journal);
    const run = await release(emu, v1, { 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCont=2' });
    assert.equal(run.exitCode, 1);
    assert.match(
      run.stdout,
      /::error::'application-parameters' sets 'VotingWeb_InstanceCont', which ApplicationManifest.xml of VotingType 1.0.0 does not declare/
    );
    assert.equal(totalRequests(emu.journal), before);
    assert.equal(run.outputs['application-type-version'], '1.0.0');
  });

  it('v1: uploads, provisions (Kind first, async), removes the package, creates the application with the parameter file', async () => {
    const run = await release(emu, v1, { 'application-parameter-file': PARAMETER_FILE, 'application-parameters': 'VotingWeb_InstanceCount=2' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['provision-result'], 'provisioned');
    assert.equal(run.outputs['application-result'], 'created');
    assert.equal(run.outputs['previous-application-type-version'], undefined);
    assert.ok(Number(run.outputs['deploy-duration-seconds']) > 0);
    const [provision] = managementCalls(emu, 'provision');
    assert.equal(provision?.detail.status, 202);
    assert.equal(provision?.detail.Async, true);
    assert.equal(provision?.detail.ApplicationPackageCleanupPolicy, 'Manual');
    assert.deepEqual(await typeVersions(emu), ['1.0.0']);
    assert.equal(existsSync(emu.diskPath('VotingApp/1.0.0')), false, 'the package is removed after the provision');
    const app = await application(emu, 'VotingApp');
    assert.equal(app?.TypeVersion, '1.0.0');
    // From the file (Name="fabric:/VotingApp"), the input overriding one value.
    assert.deepEqual(
      app?.Parameters.sort((a, b) => a.Key.localeCompare(b.Key)),
      [
        { Key: 'VotingData_PartitionCount', Value: '1' },
        { Key: 'VotingWeb_InstanceCount', Value: '2' }
      ]
    );
    assert.match(run.summary, /Service Fabric release/);
    assert.match(run.summary, /fabric:\/VotingApp created/);
  });

  it('v2: upgrades domain by domain with the publish profile, Monitored with Rollback, and keeps the package when asked', async () => {
    const run = await release(emu, v2, { 'publish-profile': PUBLISH_PROFILE, 'keep-package': 'true', 'upgrade-settings': 'HealthCheckStableDurationSec=0' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['provision-result'], 'provisioned');
    assert.equal(run.outputs['application-result'], 'upgraded');
    assert.equal(run.outputs['previous-application-type-version'], '1.0.0');
    assert.equal(run.outputs['upgrade-state'], 'RollingForwardCompleted');
    for (const ud of ['UD0', 'UD1', 'UD2']) {
      assert.match(run.stdout, new RegExp(`Upgrade domain ${ud}: started`));
      assert.match(run.stdout, new RegExp(`Upgrade domain ${ud}: completed`));
    }
    const [upgrade] = managementCalls(emu, 'upgrade-application');
    assert.equal(upgrade?.detail.RollingUpgradeMode, 'Monitored');
    assert.equal(upgrade?.detail.FailureAction, 'Rollback');
    assert.equal((await application(emu, 'VotingApp'))?.TypeVersion, '2.0.0');
    assert.equal(existsSync(emu.diskPath('VotingApp/2.0.0/_.dir')), true, 'keep-package keeps it');
    assert.match(run.summary, /Upgrade domains/);
    assert.match(run.summary, /<td>UD2<\/td><td>\d\d:\d\d:\d\d UTC<\/td><td>\d\d:\d\d:\d\d UTC<\/td>/);
  });

  it('a re-run of v2 uploads nothing, finds it unchanged and unprovisions the unused v1', async () => {
    const uploadsBefore = uploads(emu);
    const run = await release(emu, v2, { 'publish-profile': PUBLISH_PROFILE, 'unprovision-old-versions': 'true' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(uploads(emu), uploadsBefore, 'zero uploads');
    assert.equal(run.outputs['provision-result'], 'already-provisioned');
    assert.equal(run.outputs['application-result'], 'unchanged');
    assert.equal(managementCalls(emu, 'upgrade-application').length, 1, 'no second upgrade');
    assert.deepEqual(await typeVersions(emu), ['2.0.0']);
    assert.match(run.summary, /⏭️ Not uploaded: application type VotingType 2.0.0 is already provisioned with the same manifests/);
    assert.doesNotMatch(run.summary, /Uploaded to/);
    // The publish profile asks for compression, but nothing is uploaded, so nothing is compressed.
    assert.doesNotMatch(run.stdout, /::group::Compress the package/);
    assert.equal(run.outputs['compressed-bytes'], undefined);
  });

  it('the same version with a different manifest is refused before any write', async () => {
    const changed = await sampleAtVersion('2.0.0', (rel, text) =>
      rel === 'ApplicationManifest.xml' ? text.replace('DefaultValue="-1"', 'DefaultValue="5"') : text
    );
    const writesBefore = emu.journal.entries.length;
    const callsBefore = emu.journal.managementCalls.length;
    const run = await release(emu, changed, { 'application-name': 'fabric:/VotingApp' });
    assert.equal(run.exitCode, 1);
    assert.match(
      run.stdout,
      /VotingType 2.0.0 is already provisioned on the cluster with a different ApplicationManifest.xml: a provisioned version cannot change, so bump ApplicationTypeVersion/
    );
    assert.equal(emu.journal.entries.length, writesBefore, 'no store write');
    assert.equal(emu.journal.managementCalls.length, callsBefore, 'no management write');
  });

  it("a provision failure fails with the cluster's details", async () => {
    // A failure only the cluster can see (the action validates the layout offline first, not what a zip holds).
    const broken = await sampleAtVersion('2.1.0');
    await rm(path.join(broken, 'VotingWebPkg', 'Code'), { recursive: true });
    await writeFile(path.join(broken, 'VotingWebPkg', 'Code.zip'), 'not a zip');
    const run = await release(emu, broken, { provision: 'true' });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::The cluster could not provision VotingType 2.1.0: .*Code/);
    assert.equal(run.outputs['provision-result'], undefined);
    assert.equal(run.outputs['application-type-version'], '2.1.0');
  });

  it('a failed health check rolls back and fails the step with the reason, the domain and what was unhealthy', async () => {
    const v3 = await sampleAtVersion('3.0.0');
    const run = await release(emu, v3, { 'application-name': 'fabric:/VotingApp' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::The upgrade of fabric:\/VotingApp to 3.0.0 failed and was rolled back: the health check failed \(FailureReason HealthCheck\) in upgrade domain UD1; unhealthy: .*unhealthy.*The application runs 2.0.0 again/
    );
    assert.equal(run.outputs['upgrade-state'], 'RollingBackCompleted');
    assert.equal(run.outputs['provision-result'], 'provisioned');
    assert.equal(run.outputs['previous-application-type-version'], '2.0.0');
    assert.equal(run.outputs['application-result'], undefined);
    assert.match(
      run.summary,
      /<p>↩️ <strong>Rolled back<\/strong>: the upgrade of fabric:\/VotingApp to 3\.0\.0 failed in upgrade domain UD1 and was rolled back; it runs 2\.0\.0 again\.<\/p>/
    );
    // The upload itself succeeded: its section says so, and only the release is shown as failed.
    assert.match(run.summary, /<h3>Upload<\/h3>\n\n<p>✅ Uploaded to '.*'\.<\/p>/);
    assert.doesNotMatch(run.summary, /Upload failed/);
    assert.equal((await application(emu, 'VotingApp'))?.TypeVersion, '2.0.0');
  });

  it('with failure-action Manual the step fails saying how to resume or roll back', async () => {
    const created = await release(emu, await sampleAtVersion('2.0.0'), { 'application-name': 'fabric:/VotingManual' });
    assert.equal(created.outputs['application-result'], 'created', created.stdout);
    const run = await release(emu, await sampleAtVersion('3.0.0'), { 'application-name': 'fabric:/VotingManual', 'failure-action': 'Manual' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.equal(run.outputs['upgrade-state'], 'RollingForwardPending');
    assert.match(
      run.stdout,
      /waits for a decision\. Roll it back with 'sfctl application upgrade-rollback --application-id VotingManual', or, once the cause is fixed, resume it with 'sfctl application upgrade-resume --application-id VotingManual --upgrade-domain-name UD\d'/
    );
    const upgrade = managementCalls(emu, 'upgrade-application')
      .filter(c => c.detail.resource === 'VotingManual')
      .at(-1);
    assert.equal(upgrade?.detail.FailureAction, 'Manual');
  });
});

describe('release: deploy timeout and cancellation', () => {
  let emu: TestEmulator;
  let started: ChildProcess | undefined;
  before(async () => (emu = await startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 60, provisionSeconds: 0.1 } })));
  after(() => emu.dispose());

  it('an upgrade still rolling at deploy-timeout fails with what to do next, and the upgrade goes on', async () => {
    const created = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingApp' });
    assert.equal(created.exitCode, 0, created.stdout);
    const run = await release(emu, await sampleAtVersion('2.0.0'), { 'application-name': 'fabric:/VotingApp', 'deploy-timeout': '2' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /did not finish within 'deploy-timeout' \(2 s\); it goes on in the cluster \(RollingForwardInProgress, upgrade domain UD0\)\. Watch it with 'sfctl application upgrade-status --application-id VotingApp', roll it back with 'sfctl application upgrade-rollback --application-id VotingApp', or raise 'deploy-timeout'/
    );
    assert.equal(run.outputs['upgrade-state'], 'RollingForwardInProgress');
    assert.equal((await application(emu, 'VotingApp'))?.Status, 'Upgrading');
  });

  it('a cancelled job says that the upgrade goes on, and how to watch or roll it back', async () => {
    // Another application: the one above is still upgrading (and a new upgrade would not interrupt it).
    const created = await release(emu, await sampleAtVersion('1.0.0'), { 'application-name': 'fabric:/VotingCancel' });
    assert.equal(created.outputs['application-result'], 'created', created.stdout);
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': await sampleAtVersion('3.1.0'),
        'image-store-path': 'VotingApp/3.1.0',
        'application-name': 'fabric:/VotingCancel'
      },
      env: FAST_POLLS,
      onStart: child => (started = child),
      onLine: line => {
        if (line.includes('Upgrade domain UD0: started')) started?.kill('SIGINT');
      }
    });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::The job was cancelled while fabric:\/VotingCancel was upgrading to 3.1.0: the upgrade goes on in the cluster \(a cancelled job does not stop it\)\. Watch it with 'sfctl application upgrade-status --application-id VotingCancel', or roll it back with 'sfctl application upgrade-rollback --application-id VotingCancel'/
    );
    assert.equal(run.outputs['upgrade-state'], 'RollingForwardInProgress');
  });
});
