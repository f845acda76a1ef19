import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { getDeployInputs } from '../../src/action/deploy-inputs.js';
import { buildReleasePlan, readPackageIdentity } from '../../src/deploy/release-plan.js';
import { parsePublishProfile } from '../../src/deploy/publish-profile.js';

const SAMPLE = path.resolve('sample');
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
let dir: string;
before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'sfu-plan-'))));
after(() => rm(dir, { recursive: true, force: true }));

async function plan(values: Record<string, string>) {
  const identity = await readPackageIdentity(path.join(SAMPLE, 'VotingApp'));
  return buildReleasePlan(identity, 'VotingApp/1.0.0', getDeployInputs(reader(values)));
}

test('reads the package identity and its service manifests', async () => {
  const identity = await readPackageIdentity(path.join(SAMPLE, 'VotingApp'));
  assert.equal(identity.manifest.typeName, 'VotingType');
  assert.equal(identity.manifest.typeVersion, '1.0.0');
  assert.deepEqual([...identity.serviceManifests.keys()], ['VotingDataPkg', 'VotingWebPkg']);
});

test('the publish profile gives the parameter file (relative, with backslashes), the upgrade policy and CompressPackage', async () => {
  const p = await plan({ 'publish-profile': path.join(SAMPLE, 'PublishProfiles', 'Cloud.xml') });
  assert.ok(p?.application);
  assert.equal(p.application.name, 'fabric:/VotingApp');
  assert.deepEqual(p.application.parameters, [
    { Key: 'VotingData_PartitionCount', Value: '1' },
    { Key: 'VotingWeb_InstanceCount', Value: '-1' }
  ]);
  assert.deepEqual(p.application.policy, {
    mode: 'Monitored',
    failureAction: 'Rollback',
    settings: { HealthCheckRetryTimeoutSec: 600, HealthCheckStableDurationSec: 120, UpgradeDomainTimeoutSec: 1800 }
  });
  assert.equal(p.compressPackage, true);
});

test('explicit inputs win over the profile and the parameter file', async () => {
  const p = await plan({
    'publish-profile': path.join(SAMPLE, 'PublishProfiles', 'Cloud.xml'),
    'application-name': 'fabric:/Other',
    'application-parameters': 'VotingWeb_InstanceCount=3\nVotingData_MinReplicaSetSize=2',
    'failure-action': 'Manual',
    'upgrade-mode': 'UnmonitoredAuto',
    'upgrade-settings': 'UpgradeDomainTimeoutSec=60'
  });
  assert.ok(p?.application);
  assert.equal(p.application.name, 'fabric:/Other');
  // In the manifest's order; the input overrides the file's value.
  assert.deepEqual(p.application.parameters, [
    { Key: 'VotingData_MinReplicaSetSize', Value: '2' },
    { Key: 'VotingData_PartitionCount', Value: '1' },
    { Key: 'VotingWeb_InstanceCount', Value: '3' }
  ]);
  assert.equal(p.application.policy.mode, 'UnmonitoredAuto');
  assert.equal(p.application.policy.failureAction, 'Manual');
  assert.equal(p.application.policy.settings.UpgradeDomainTimeoutSec, 60);
  assert.equal(p.application.policy.settings.HealthCheckRetryTimeoutSec, 600);
});

test('a parameter the manifest does not declare is refused, naming it, the source and the declared ones', async () => {
  await assert.rejects(
    plan({ 'application-name': 'fabric:/VotingApp', 'application-parameters': 'Web_Typo=1' }),
    /'application-parameters' sets 'Web_Typo', which ApplicationManifest.xml of VotingType 1.0.0 does not declare: declared are VotingData_MinReplicaSetSize, .*VotingWeb_InstanceCount/
  );
  const file = path.join(dir, 'Bad.xml');
  await writeFile(
    file,
    '<Application Name="fabric:/V" xmlns="http://schemas.microsoft.com/2011/01/fabric"><Parameters><Parameter Name="Nope" Value="1"/></Parameters></Application>'
  );
  await assert.rejects(plan({ 'application-parameter-file': file }), new RegExp(`The parameter file '${file.replace(/[/\\.]/g, '\\$&')}' sets 'Nope'`));
});

test('parameters without an application name are refused; the name comes from the parameter file otherwise', async () => {
  await assert.rejects(plan({ 'application-parameters': 'VotingWeb_InstanceCount=1' }), /No application to create or upgrade: set 'application-name'/);
  const p = await plan({ 'application-parameter-file': path.join(SAMPLE, 'ApplicationParameters', 'Cloud.xml') });
  assert.equal(p?.application?.name, 'fabric:/VotingApp');
  assert.equal(p?.application?.policy.mode, 'Monitored');
  assert.equal(p?.application?.policy.failureAction, 'Rollback');
});

test('a profile with an unsupported mode is refused; unknown profile parameters are ignored; a missing file is named', async () => {
  assert.throws(
    () => parsePublishProfile('<PublishProfile><UpgradeDeployment Mode="UnmonitoredManual"/></PublishProfile>', '/x/Cloud.xml'),
    /Mode="UnmonitoredManual">: this action supports Monitored and UnmonitoredAuto/
  );
  const profile = parsePublishProfile(
    '<PublishProfile><UpgradeDeployment><Parameters MaxPercentUnhealthyServices="5" ForceRestart="True"/></UpgradeDeployment></PublishProfile>',
    '/x/Cloud.xml'
  );
  assert.deepEqual(profile.upgrade?.settings, { ForceRestart: true });
  assert.equal(profile.compressPackage, undefined);
  await mkdir(path.join(dir, 'p'), { recursive: true });
  await assert.rejects(plan({ 'publish-profile': path.join(dir, 'p', 'Missing.xml') }), /'publish-profile' \('.*Missing.xml'\) cannot be read: ENOENT/);
});

test("the parameter file's Name is checked like 'application-name'; the new inputs default to refuse and no downgrade", async () => {
  const file = path.join(dir, 'Tilde.xml');
  await writeFile(file, '<Application Name="fabric:/Voting~App"><Parameters /></Application>');
  await assert.rejects(
    plan({ 'application-parameter-file': file }),
    /The Name in the parameter file '.*Tilde\.xml' must be an application name .*'~' is reserved/
  );
  const p = await plan({ 'application-name': 'fabric:/Vötíng' });
  assert.deepEqual(p?.application?.guards, { allowDowngrade: false, omittedParameters: 'refuse' });
  const q = await plan({ 'application-name': 'fabric:/Vötíng', 'allow-downgrade': 'true', 'omitted-parameters': 'Keep' });
  assert.deepEqual(q?.application?.guards, { allowDowngrade: true, omittedParameters: 'keep' });
  await assert.rejects(
    plan({ 'application-name': 'fabric:/V', 'omitted-parameters': 'merge' }),
    /'omitted-parameters' must be one of refuse, keep, reset, not 'merge'/
  );
});
