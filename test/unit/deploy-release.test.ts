// The whole release against the in-memory cluster: requests, their bodies, the report.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeEach, test } from 'node:test';
import { getDeployInputs } from '../../src/action/deploy-inputs.js';
import { ReleaseReport } from '../../src/action/release-report.js';
import { CancelledError } from '../../src/cluster/errors.js';
import { ImageStoreClient } from '../../src/cluster/store-client.js';
import { checkAlreadyProvisioned, checkReleaseTarget, deployRelease, planRelease } from '../../src/deploy/deploy.js';
import { FakeCluster } from '../helpers/fake-management-gateway.js';

process.env.SFU_POLL_INTERVAL_MS = '10';
const PKG = path.resolve('sample/VotingApp');
const MANIFEST = readFileSync(path.join(PKG, 'ApplicationManifest.xml'), 'utf8');
const WEB = readFileSync(path.join(PKG, 'VotingWebPkg/ServiceManifest.xml'), 'utf8');
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

let cluster: FakeCluster;
beforeEach(() => {
  cluster = new FakeCluster();
  cluster.packages.set('VotingApp/1.0.0', { manifest: MANIFEST, typeName: 'VotingType', typeVersion: '1.0.0', serviceManifests: { VotingWebPkg: WEB } });
  cluster.storePaths.add('VotingApp/1.0.0');
});

async function release(values: Record<string, string>, report = new ReleaseReport()) {
  const plan = await planRelease(PKG, 'VotingApp/1.0.0', getDeployInputs(reader(values)), report);
  const gateway = cluster.gateway();
  await checkAlreadyProvisioned(plan, gateway, report);
  const uploaded = !plan?.alreadyProvisioned;
  await deployRelease(plan, { gateway, client: new ImageStoreClient(gateway) }, report);
  return { report, uploaded, plan };
}

test('a plain upload reads the identity and sends no management request', async () => {
  const { report, plan } = await release({});
  assert.equal(plan, undefined);
  assert.deepEqual(report.outputs(), { 'application-type-name': 'VotingType', 'application-type-version': '1.0.0' });
  assert.equal(cluster.requests.length, 0);
});

test('provision: Kind first, Async, api-version 6.2, Manual cleanup; polls until Available; removes the package', async () => {
  const { report } = await release({ provision: 'true' });
  const post = cluster.requests.find(r => r.path === '/ApplicationTypes/$/Provision')!;
  assert.ok(post.rawBody.startsWith('{"Kind":"ImageStorePath",'), post.rawBody);
  assert.deepEqual(JSON.parse(post.rawBody), {
    Kind: 'ImageStorePath',
    ApplicationTypeBuildPath: 'VotingApp/1.0.0',
    Async: true,
    ApplicationPackageCleanupPolicy: 'Manual'
  });
  assert.equal(post.query.get('api-version'), '6.2');
  assert.ok(cluster.count('GET', /^\/ApplicationTypes\/VotingType$/) >= 3, 'polled the type');
  assert.equal(cluster.types[0]?.Status, 'Available');
  assert.equal(report.provisionResult, 'provisioned');
  assert.equal(report.packageDeleted, true);
  assert.equal(cluster.storePaths.has('VotingApp/1.0.0'), false);
  assert.ok(report.durationSeconds !== undefined);
});

test('keep-package keeps it; a package already gone is fine', async () => {
  await release({ provision: 'true', 'keep-package': 'true' });
  assert.equal(cluster.storePaths.has('VotingApp/1.0.0'), true);
  assert.equal(cluster.count('DELETE', /^\/ImageStore\//), 0);
  cluster = new FakeCluster();
  cluster.packages.set('VotingApp/1.0.0', { manifest: MANIFEST, typeName: 'VotingType', typeVersion: '1.0.0' });
  const { report } = await release({ provision: 'true' });
  assert.equal(cluster.count('DELETE', /^\/ImageStore\//), 1);
  assert.equal(report.packageDeleted, true);
});

test("a failed provision fails with the cluster's StatusDetails and keeps the package", async () => {
  cluster.provisionFailure = 'The BuildLayout of the application in VotingApp/1.0.0 is invalid. Code is missing for service VotingWebPkg.';
  const report = new ReleaseReport();
  await assert.rejects(
    release({ provision: 'true' }, report),
    /The cluster could not provision VotingType 1.0.0: The BuildLayout of the application .* Code is missing for service VotingWebPkg\./
  );
  assert.equal(cluster.storePaths.has('VotingApp/1.0.0'), true);
  assert.equal(report.provisionResult, undefined);
});

test('a provision refused for content changed under the same version says to give new versions, or to stamp them', async () => {
  cluster.provisionFailure =
    "The content in CodePackage Name:Code and Version:1.0.0 in Service Manifest 'VotingWebPkg' has changed, but the version number is the same.";
  await assert.rejects(
    release({ provision: 'true' }),
    /has changed, but the version number is the same\. Give each changed package a new version, and its service manifest and the application type too, or let 'version-stamp: content' do it; then run the step again/
  );
});

test('already provisioned with the same manifests (reformatted): no provision, no upload', async () => {
  cluster.types.push({
    Name: 'VotingType',
    Version: '1.0.0',
    Status: 'Available',
    manifest: MANIFEST.replace(/\n\s*/g, ' '),
    serviceManifests: { VotingWebPkg: WEB }
  });
  const { report, uploaded } = await release({ 'application-name': 'fabric:/VotingApp' });
  assert.equal(uploaded, false);
  assert.equal(report.provisionResult, 'already-provisioned');
  assert.equal(cluster.count('POST', /Provision$/), 0);
  assert.equal(report.applicationResult, 'created');
});

test('the same version with a different manifest is refused before any write', async () => {
  cluster.types.push({
    Name: 'VotingType',
    Version: '1.0.0',
    Status: 'Available',
    manifest: MANIFEST.replace('DefaultValue="-1"', 'DefaultValue="2"'),
    serviceManifests: {}
  });
  await assert.rejects(
    release({ provision: 'true' }),
    /VotingType 1.0.0 is already provisioned on the cluster with a different ApplicationManifest.xml: .*bump ApplicationTypeVersion/
  );
  assert.ok(
    cluster.requests.every(r => r.method === 'GET'),
    'only reads'
  );
  cluster.types[0]!.manifest = MANIFEST;
  cluster.types[0]!.serviceManifests = {
    VotingWebPkg: WEB.replace('Version="1.0.0"', 'Version="1.0.0" ').replace('<CodePackage', '<!-- --><CodePackage Extra="x"')
  };
  await assert.rejects(release({ provision: 'true' }), /different VotingWebPkg\/ServiceManifest.xml/);
});

test('create with the parameters; then upgrade; then unchanged sends no upgrade', async () => {
  const first = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=2' });
  assert.equal(first.report.applicationResult, 'created');
  const create = cluster.requests.find(r => r.path === '/Applications/$/Create')!;
  assert.deepEqual(JSON.parse(create.rawBody), {
    Name: 'fabric:/VotingApp',
    TypeName: 'VotingType',
    TypeVersion: '1.0.0',
    ParameterList: [{ Key: 'VotingWeb_InstanceCount', Value: '2' }]
  });

  // The same version, other parameters: an upgrade with the full list, Monitored + Rollback.
  const second = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=3\nVotingData_PartitionCount=1' });
  assert.equal(second.report.applicationResult, 'upgraded');
  assert.equal(second.report.previousVersion, '1.0.0');
  assert.equal(second.report.upgradeState, 'RollingForwardCompleted');
  assert.deepEqual(
    second.report.domains.map(d => d.name),
    ['UD0', 'UD1']
  );
  const upgrade = JSON.parse(cluster.requests.find(r => r.path.endsWith('/$/Upgrade'))!.rawBody);
  assert.equal(upgrade.RollingUpgradeMode, 'Monitored');
  assert.equal(upgrade.MonitoringPolicy.FailureAction, 'Rollback');
  assert.deepEqual(upgrade.Parameters, [
    { Key: 'VotingData_PartitionCount', Value: '1' },
    { Key: 'VotingWeb_InstanceCount', Value: '3' }
  ]);

  // A parameter given at its default value counts as the default.
  const upgrades = cluster.count('POST', /\/\$\/Upgrade$/);
  const third = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=3' });
  assert.equal(third.report.applicationResult, 'unchanged');
  assert.equal(cluster.count('POST', /\/\$\/Upgrade$/), upgrades);
});

test('a create or an upgrade whose answer was lost and retried is taken for what it did, not for a conflict or unchanged', async () => {
  cluster.loseNextAnswer.add('POST /Applications/$/Create');
  const created = await release({ 'application-name': 'fabric:/VotingApp' });
  assert.equal(created.report.applicationResult, 'created');
  assert.equal(cluster.count('POST', /^\/Applications\/\$\/Create$/), 2);

  cluster.loseNextAnswer.add('POST /Applications/VotingApp/$/Upgrade');
  const upgraded = await release({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'VotingWeb_InstanceCount=5' });
  assert.equal(cluster.count('POST', /\/\$\/Upgrade$/), 2, 'the retry answered 409');
  assert.equal(upgraded.report.applicationResult, 'upgraded');
  assert.equal(upgraded.report.upgradeState, 'RollingForwardCompleted');
});

test('an application of another type is refused; an upgrade to another version in progress is not interrupted', async () => {
  cluster.types.push({ Name: 'VotingType', Version: '1.0.0', Status: 'Available', manifest: MANIFEST, serviceManifests: {} });
  cluster.applications.set('fabric:/VotingApp', { Id: 'VotingApp', Name: 'fabric:/VotingApp', TypeName: 'OtherType', TypeVersion: '1.0.0', Status: 'Ready' });
  await assert.rejects(release({ 'application-name': 'fabric:/VotingApp' }), /exists with the application type OtherType, not VotingType/);
  cluster.applications.set('fabric:/VotingApp', {
    Id: 'VotingApp',
    Name: 'fabric:/VotingApp',
    TypeName: 'VotingType',
    TypeVersion: '0.9.0',
    Status: 'Upgrading'
  });
  cluster.progress = [{ UpgradeState: 'RollingForwardInProgress', TargetApplicationTypeVersion: '0.9.5' }];
  await assert.rejects(release({ 'application-name': 'fabric:/VotingApp' }), /already upgrading to 0.9.5 .*would interrupt it/);
  assert.equal(cluster.count('POST', /\/\$\/Upgrade$/), 0);
});

test('unprovision-old-versions removes unused versions and keeps one in use', async () => {
  for (const v of ['0.8.0', '0.9.0']) cluster.types.push({ Name: 'VotingType', Version: v, Status: 'Available', manifest: '', serviceManifests: {} });
  cluster.inUse.add('0.9.0');
  const { report } = await release({ provision: 'true', 'unprovision-old-versions': 'true' });
  assert.deepEqual(report.unprovisioned, ['0.8.0']);
  assert.deepEqual(report.keptVersions, ['0.9.0']);
  assert.deepEqual(cluster.types.map(t => t.Version).sort(), ['0.9.0', '1.0.0']);
});

test('a cancellation during the upgrade says that it goes on, and how to watch or roll it back', () => {
  const report = new ReleaseReport();
  report.applicationName = 'fabric:/VotingApp';
  report.typeVersion = '2.0.0';
  assert.equal(report.failureMessage(new CancelledError('x'), true), undefined, "before the release: the upload's own message");
  report.phase = 'upgrading';
  assert.match(
    report.failureMessage(new CancelledError('x'), true)!,
    /cancelled while fabric:\/VotingApp was upgrading to 2.0.0: the upgrade goes on in the cluster .*'sfctl application upgrade-status --application-id VotingApp'.*'sfctl application upgrade-rollback --application-id VotingApp'/
  );
  assert.equal(report.failureMessage(new Error('other'), false), undefined);
});

test('checkReleaseTarget refuses before any write; the same guards run again on the application as it is at the upgrade', async () => {
  cluster.types.push({ Name: 'VotingType', Version: '1.0.0', Status: 'Available', manifest: MANIFEST, serviceManifests: {} });
  cluster.applications.set('fabric:/VotingApp', { Id: 'VotingApp', Name: 'fabric:/VotingApp', TypeName: 'VotingType', TypeVersion: '0.9.0', Status: 'Ready' });
  const report = new ReleaseReport();
  const plan = await planRelease(PKG, 'VotingApp/1.0.0', getDeployInputs(reader({ 'application-name': 'fabric:/VotingApp' })), report);
  const gateway = cluster.gateway();
  await checkReleaseTarget(plan, gateway); // 0.9.0 → 1.0.0: an upgrade, nothing to refuse
  // Someone upgrades it to 2.0.0 during the upload: the upgrade request is not sent.
  cluster.applications.set('fabric:/VotingApp', { Id: 'VotingApp', Name: 'fabric:/VotingApp', TypeName: 'VotingType', TypeVersion: '2.0.0', Status: 'Ready' });
  await assert.rejects(
    checkReleaseTarget(plan, gateway),
    /version 1.0.0 is older than 2.0.0, which fabric:\/VotingApp runs.* Nothing was uploaded or changed\.$/
  );
  await assert.rejects(
    deployRelease(plan, { gateway, client: new ImageStoreClient(gateway) }, report),
    /version 1.0.0 is older than 2.0.0.*\(fabric:\/VotingApp changed during the upload; it was not upgraded\.\)$/
  );
  assert.equal(cluster.count('POST', /\/\$\/Upgrade$/), 0);
});
