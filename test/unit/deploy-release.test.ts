// The whole release against the emulator's cluster manager in this process: requests, their
// bodies as the cluster saw them (the journal), the report.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { getDeployInputs } from '../../src/action/deploy-inputs.js';
import { ReleaseReport } from '../../src/action/release-report.js';
import { CancelledError } from '../../src/cluster/errors.js';
import { checkAlreadyProvisioned, checkReleaseTarget, deployRelease, planRelease } from '../../src/deploy/deploy.js';
import { startTestCluster, type TestCluster } from '../helpers/management-cluster.js';

process.env.SFU_POLL_INTERVAL_MS = '10';
const PKG = path.resolve('sample/VotingApp');
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const calls = (cluster: TestCluster, operation: string) => cluster.emu.journal.managementCalls.filter(c => c.operation === operation);

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await startTestCluster({ management: { unhealthyVersions: [] } });
  await cluster.upload(PKG, 'VotingApp/1.0.0');
});
afterEach(() => cluster.dispose());

async function release(values: Record<string, string>, report = new ReleaseReport()) {
  const plan = await planRelease(PKG, 'VotingApp/1.0.0', getDeployInputs(reader(values)), report);
  const gateway = cluster.gateway();
  await checkAlreadyProvisioned(plan, gateway, report);
  const uploaded = !plan?.alreadyProvisioned;
  await deployRelease(plan, { gateway, client: cluster.store(gateway) }, report);
  return { report, uploaded, plan };
}

/** A copy of the sample with `edit` applied to its application manifest, uploaded and provisioned. */
async function provisionedCopy(storePath: string, edit: (xml: string) => string): Promise<void> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-unit-')), 'VotingApp');
  await cp(PKG, dir, { recursive: true });
  const manifest = path.join(dir, 'ApplicationManifest.xml');
  await writeFile(manifest, edit(await readFile(manifest, 'utf8')));
  await cluster.upload(dir, storePath);
  await cluster.provision(storePath);
  await rm(path.dirname(dir), { recursive: true, force: true });
}

test('a plain upload reads the identity and sends no management request', async () => {
  const { report, plan } = await release({});
  assert.equal(plan, undefined);
  assert.deepEqual(report.outputs(), { 'application-type-name': 'VotingType', 'application-type-version': '1.0.0' });
  assert.deepEqual(
    Object.keys(cluster.emu.journal.requests).filter(r => /application|provision/.test(r)),
    []
  );
});

test('provision: Kind first, Async, api-version 6.2, Manual cleanup; polls until Available; removes the package', async () => {
  const { report } = await release({ provision: 'true' });
  // The emulator refuses a 6.2 body whose first property is not Kind: an accepted one is the proof.
  const [provision] = calls(cluster, 'provision');
  assert.deepEqual(provision?.detail, {
    resource: undefined,
    ApplicationTypeBuildPath: 'VotingApp/1.0.0',
    Async: true,
    ApplicationPackageCleanupPolicy: 'Manual',
    status: 202
  });
  assert.ok(cluster.count('get-application-type') >= 2, 'polled the type');
  assert.ok(cluster.emu.emulator.management.types.findAvailable('VotingType', '1.0.0'));
  assert.equal(report.provisionResult, 'provisioned');
  assert.equal(report.packageDeleted, true);
  assert.equal(cluster.emu.journal.entries.filter(e => e.op === 'delete' && e.path === 'VotingApp/1.0.0').length, 1);
  assert.ok(report.durationSeconds !== undefined);
});

test('keep-package keeps it', async () => {
  await release({ provision: 'true', 'keep-package': 'true' });
  assert.equal(cluster.emu.journal.entries.filter(e => e.op === 'delete').length, 0);
});

test("a failed provision fails with the cluster's StatusDetails and keeps the package", async () => {
  await rm(cluster.emu.diskPath('VotingApp/1.0.0/VotingWebPkg/Code'), { recursive: true });
  const report = new ReleaseReport();
  await assert.rejects(
    release({ provision: 'true' }, report),
    /The cluster could not provision VotingType 1.0.0: .*BuildLayout.*VotingWebPkg.*\. Fix the package and run the step again/
  );
  assert.equal(cluster.emu.journal.entries.filter(e => e.op === 'delete').length, 0);
  assert.equal(report.provisionResult, undefined);
});

test('a provision refused for content changed under the same version says to give new versions, or to stamp them', async () => {
  // Version 0.9.0 holds VotingWebPkg's Code 1.0.0 with other content: the cluster refuses 1.0.0's.
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'sfu-unit-')), 'VotingApp');
  await cp(PKG, dir, { recursive: true });
  const manifest = path.join(dir, 'ApplicationManifest.xml');
  await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('ApplicationTypeVersion="1.0.0"', 'ApplicationTypeVersion="0.9.0"'));
  await writeFile(path.join(dir, 'VotingWebPkg/Code/wwwroot/index.html'), '<p>an older build</p>');
  await cluster.upload(dir, 'Other/0.9.0');
  await cluster.provision('Other/0.9.0');
  await rm(path.dirname(dir), { recursive: true, force: true });
  await assert.rejects(
    release({ provision: 'true' }),
    /has changed, but the version number is the same\. Give each changed package a new version, and its service manifest and the application type too, or let 'version-stamp: content' do it; then run the step again/
  );
});

test('already provisioned with the same manifests (reformatted): no provision, no upload', async () => {
  await provisionedCopy('Other/1.0.0', xml => xml.replace(/\n\s*/g, ' '));
  const { report, uploaded } = await release({ 'application-name': 'fabric:/VotingApp' });
  assert.equal(uploaded, false);
  assert.equal(report.provisionResult, 'already-provisioned');
  assert.equal(calls(cluster, 'provision').length, 1, "only the set-up's");
  assert.equal(report.applicationResult, 'created');
});

test('the same version with a different manifest is refused before any write', async () => {
  await provisionedCopy('Other/1.0.0', xml => xml.replace('DefaultValue="-1"', 'DefaultValue="2"'));
  const before = cluster.emu.journal.managementCalls.length;
  await assert.rejects(
    release({ provision: 'true' }),
    /VotingType 1.0.0 is already provisioned on the cluster with a different ApplicationManifest.xml: .*bump ApplicationTypeVersion/
  );
  assert.equal(cluster.emu.journal.managementCalls.length, before, 'only reads');
});

test('create with the parameters; then upgrade; then unchanged sends no upgrade', async () => {
  const first = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=2' });
  assert.equal(first.report.applicationResult, 'created');
  assert.deepEqual(calls(cluster, 'create-application')[0]?.detail, {
    resource: undefined,
    Name: 'fabric:/VotingApp',
    TypeName: 'VotingType',
    TypeVersion: '1.0.0',
    status: 201
  });
  assert.deepEqual(cluster.emu.emulator.management.applications.get('VotingApp')?.baseParameters, [{ Key: 'VotingWeb_InstanceCount', Value: '2' }]);

  // The same version, other parameters: an upgrade with the full list, Monitored + Rollback.
  const second = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=3\nVotingData_PartitionCount=1' });
  assert.equal(second.report.applicationResult, 'upgraded');
  assert.equal(second.report.previousVersion, '1.0.0');
  assert.equal(second.report.upgradeState, 'RollingForwardCompleted');
  assert.deepEqual(
    second.report.domains.map(d => d.name),
    ['UD0', 'UD1']
  );
  const upgrade = calls(cluster, 'upgrade-application')[0]?.detail;
  assert.equal(upgrade?.RollingUpgradeMode, 'Monitored');
  assert.equal(upgrade?.FailureAction, 'Rollback');
  const app = cluster.emu.emulator.management.applications.get('VotingApp')!;
  assert.deepEqual(cluster.emu.emulator.management.applications.current(app).parameters, [
    { Key: 'VotingData_PartitionCount', Value: '1' },
    { Key: 'VotingWeb_InstanceCount', Value: '3' }
  ]);

  // A parameter given at its default value counts as the default.
  const third = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=3\nVotingData_PartitionCount=1' });
  assert.equal(third.report.applicationResult, 'unchanged');
  assert.equal(calls(cluster, 'upgrade-application').length, 1);
});

test('a create, a provision and an upgrade whose answers are lost are each sent once and reported as done by this run', async () => {
  await cluster.dispose();
  cluster = await startTestCluster({ faults: { failRate: 1, failKinds: ['lost-answer'], routes: ['provision', 'create-application', 'upgrade-application'] } });
  await cluster.upload(PKG, 'VotingApp/1.0.0');
  const created = await release({ 'application-name': 'fabric:/VotingApp', provision: 'true' });
  assert.equal(created.report.provisionResult, 'provisioned');
  assert.equal(created.report.applicationResult, 'created');
  const upgraded = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=5' });
  assert.equal(upgraded.report.applicationResult, 'upgraded');
  assert.equal(upgraded.report.upgradeState, 'RollingForwardCompleted');
  assert.deepEqual(
    ['provision', 'create-application', 'upgrade-application'].map(op => calls(cluster, op).length),
    [1, 1, 1]
  );
});

test('an application of another type is refused; an upgrade to another version in progress is not interrupted', async () => {
  await provisionedCopy('Other/1.0.0', xml => xml.replace('ApplicationTypeName="VotingType"', 'ApplicationTypeName="OtherType"'));
  cluster.emu.emulator.management.applications.add('fabric:/VotingApp', 'OtherType', '1.0.0', []);
  await assert.rejects(release({ 'application-name': 'fabric:/VotingApp' }), /exists with the application type OtherType, not VotingType/);

  // VotingType 0.9.0 and 0.9.5, and an application upgrading (slowly) from one to the other.
  await cluster.dispose();
  cluster = await startTestCluster({ management: { upgradeDomainSeconds: 60 } });
  await cluster.upload(PKG, 'VotingApp/1.0.0');
  await provisionedCopy('V090/1.0.0', xml => xml.replace('ApplicationTypeVersion="1.0.0"', 'ApplicationTypeVersion="0.9.0"'));
  await provisionedCopy('V095/1.0.0', xml => xml.replace('ApplicationTypeVersion="1.0.0"', 'ApplicationTypeVersion="0.9.5"'));
  const raw = (route: string, body: unknown) =>
    fetch(`${cluster.emu.url}${route}?api-version=6.0`, { method: 'POST', body: JSON.stringify(body) }).then(r => assert.ok(r.ok, route));
  await raw('/Applications/$/Create', { Name: 'fabric:/VotingApp', TypeName: 'VotingType', TypeVersion: '0.9.0' });
  await raw('/Applications/VotingApp/$/Upgrade', { Name: 'fabric:/VotingApp', TargetApplicationTypeVersion: '0.9.5' });
  await assert.rejects(release({ 'application-name': 'fabric:/VotingApp' }), /already upgrading to 0.9.5 .*would interrupt it/);
  assert.equal(calls(cluster, 'upgrade-application').length, 1, "only the set-up's");
});

test('unprovision-old-versions removes unused versions and keeps one in use', async () => {
  await provisionedCopy('V080/1.0.0', xml => xml.replace('ApplicationTypeVersion="1.0.0"', 'ApplicationTypeVersion="0.8.0"'));
  await provisionedCopy('V090/1.0.0', xml => xml.replace('ApplicationTypeVersion="1.0.0"', 'ApplicationTypeVersion="0.9.0"'));
  cluster.emu.emulator.management.applications.add('fabric:/Other', 'VotingType', '0.9.0', []);
  const { report } = await release({ provision: 'true', 'unprovision-old-versions': 'true' });
  assert.deepEqual(report.unprovisioned, ['0.8.0']);
  assert.deepEqual(report.keptVersions, ['0.9.0']);
  assert.deepEqual(
    cluster.emu.emulator.management.types
      .versionsOf('VotingType')
      .map(v => v.version)
      .sort(),
    ['0.9.0', '1.0.0']
  );
});

test('a cancellation during the upgrade says that it goes on, and how to watch or roll it back', () => {
  const report = new ReleaseReport();
  report.applicationName = 'fabric:/VotingApp';
  report.typeVersion = '2.0.0';
  assert.equal(report.failureMessage(new CancelledError('x'), true), undefined, "before the release: the upload's own message");
  assert.equal(report.cancelling(), 'the upload');
  report.typeName = 'VotingType';
  report.phase = 'provisioning';
  assert.equal(report.cancelling(), 'the wait for the provision of VotingType 2.0.0 (the cluster goes on provisioning it)');
  report.phase = 'creating';
  assert.equal(report.cancelling(), 'the wait for the creation of fabric:/VotingApp (the cluster goes on creating it)');
  report.phase = 'upgrading';
  assert.match(
    report.failureMessage(new CancelledError('x'), true)!,
    /cancelled while fabric:\/VotingApp was upgrading to 2.0.0: the upgrade goes on in the cluster .*'sfctl application upgrade-status --application-id VotingApp'.*'sfctl application upgrade-rollback --application-id VotingApp'/
  );
  assert.equal(report.cancelling(), 'the wait for the upgrade of fabric:/VotingApp to 2.0.0 (the upgrade goes on in the cluster)');
  assert.equal(report.failureMessage(new Error('other'), false), undefined);
});

test('checkReleaseTarget refuses before any write; the same guards run again on the application as it is at the upgrade', async () => {
  const applications = cluster.emu.emulator.management.applications;
  applications.add('fabric:/VotingApp', 'VotingType', '0.9.0', []);
  const report = new ReleaseReport();
  const plan = await planRelease(PKG, 'VotingApp/1.0.0', getDeployInputs(reader({ 'application-name': 'fabric:/VotingApp' })), report);
  const gateway = cluster.gateway();
  await checkReleaseTarget(plan, gateway); // 0.9.0 → 1.0.0: an upgrade, nothing to refuse
  // Someone upgrades it to 2.0.0 during the upload: the upgrade request is not sent.
  applications.get('VotingApp')!.baseVersion = '2.0.0';
  await assert.rejects(
    checkReleaseTarget(plan, gateway),
    /version 1.0.0 is older than 2.0.0, which fabric:\/VotingApp runs.* Nothing was uploaded or changed\.$/
  );
  await assert.rejects(
    deployRelease(plan, { gateway, client: cluster.store(gateway) }, report),
    /version 1.0.0 is older than 2.0.0.*\(fabric:\/VotingApp changed during the upload; it was not upgraded\.\)$/
  );
  assert.equal(calls(cluster, 'upgrade-application').length, 0);
});
