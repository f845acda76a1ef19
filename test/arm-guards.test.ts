// End to end through dist/index.js: a release through ARM refuses, with the gateway path's
// sentences, what the gateway path refuses (another application type, a downgrade, a parameter
// silently reset) and an ARM operation under way, before anything is staged in Blob storage or
// written through ARM; checks again before the application's PUT; sets upgrade-state from the
// read-back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { armApplication, type ArmRig, startArmRig } from './helpers/arm-rig.js';

const APP = 'fabric:/ArmGuard';

describe('release through ARM: the guards of the gateway path', () => {
  let rig: ArmRig;
  before(async () => {
    rig = await startArmRig({ tenantId: '72f988bf-0000-4000-8000-00000000ab01', clientId: '11111111-0000-4000-8000-0000000000a1' });
  });
  after(() => rig?.dispose());

  /** Nothing written: no ARM PUT or DELETE, and no .sfpkg of `version` in the container. */
  async function assertNothingWritten(writesBefore: number, version: string): Promise<void> {
    assert.equal(rig.armRequests('arm-put') + rig.armRequests('arm-delete'), writesBefore, 'an ARM resource was written');
    assert.equal(await rig.azurite.blobStatus(rig.container, `VotingType/VotingType.${version}.sfpkg`), 404, 'the .sfpkg was staged');
  }
  const writes = () => rig.armRequests('arm-put') + rig.armRequests('arm-delete');

  /** Starts an upgrade that waits in its first upgrade domain (UnmonitoredManual): the application stays Updating. */
  function startStalledUpgrade(appName: string, version: string): void {
    const id = appName.replace('fabric:/', '');
    const body = { Name: appName, TargetApplicationTypeVersion: version, Parameters: [], UpgradeKind: 'Rolling', RollingUpgradeMode: 'UnmonitoredManual' };
    rig.emu.emulator.management.upgrade(
      {
        method: 'POST',
        pathname: `/Applications/${id}/$/Upgrade`,
        query: new URLSearchParams({ 'api-version': '6.0' }),
        body: Buffer.from(JSON.stringify(body))
      },
      id
    );
  }

  it('refuses a downgrade and a parameter the upgrade would reset before staging or writing; keep carries it over; upgrade-state RollingForwardCompleted', async () => {
    const created = await rig.release('4.0.0', { 'application-name': APP, 'application-parameters': 'VotingWeb_InstanceCount=3' });
    assert.equal(created.exitCode, 0, created.stdout);
    assert.equal(created.outputs['application-result'], 'created');
    assert.equal(created.outputs['upgrade-state'], undefined, 'a create is no upgrade');

    let before = writes();
    const downgrade = await rig.release('1.0.0', { 'application-name': APP, 'application-parameters': 'VotingWeb_InstanceCount=3' });
    assert.equal(downgrade.exitCode, 1, downgrade.stdout);
    assert.match(
      downgrade.stdout,
      /::error::The package's version 1\.0\.0 is older than 4\.0\.0, which fabric:\/ArmGuard runs: the step refuses to downgrade it .*'allow-downgrade: true'.* Nothing was uploaded or changed\./
    );
    await assertNothingWritten(before, '1.0.0');
    // A dry run reads the application through ARM and refuses the same, as the gateway path's dry run does.
    const dryRun = await rig.release('1.0.0', { 'application-name': APP, 'application-parameters': 'VotingWeb_InstanceCount=3', 'dry-run': 'true' });
    assert.equal(dryRun.exitCode, 1, dryRun.stdout);
    assert.match(dryRun.stdout, /::error::The package's version 1\.0\.0 is older than 4\.0\.0, which fabric:\/ArmGuard runs/);
    await assertNothingWritten(before, '1.0.0');

    before = writes();
    const omitted = await rig.release('5.0.0', { 'application-name': APP });
    assert.equal(omitted.exitCode, 1, omitted.stdout);
    assert.match(
      omitted.stdout,
      /::error::fabric:\/ArmGuard has VotingWeb_InstanceCount set to a value other than the manifest default, and this release does not give it: the upgrade would return it to the default\..*'omitted-parameters' to 'keep'.* Nothing was uploaded or changed\./
    );
    await assertNothingWritten(before, '5.0.0');

    const keptDryRun = await rig.release('5.0.0', { 'application-name': APP, 'omitted-parameters': 'keep', 'dry-run': 'true' });
    assert.equal(keptDryRun.exitCode, 0, keptDryRun.stdout);
    assert.match(keptDryRun.stdout, /fabric:\/ArmGuard runs VotingType 4\.0\.0: nothing stops the release of 5\.0\.0\./);
    await assertNothingWritten(before, '5.0.0');

    const kept = await rig.release('5.0.0', { 'application-name': APP, 'omitted-parameters': 'keep' });
    assert.equal(kept.exitCode, 0, kept.stdout);
    assert.match(kept.stdout, /Keeping the current value of VotingWeb_InstanceCount on fabric:\/ArmGuard \('omitted-parameters: keep'\)/);
    assert.equal(kept.outputs['application-result'], 'upgraded');
    assert.equal(kept.outputs['previous-application-type-version'], '4.0.0');
    assert.equal(kept.outputs['upgrade-state'], 'RollingForwardCompleted');
    const app = await armApplication(rig, 'ArmGuard');
    assert.match(app!.properties.version, /\/versions\/5\.0\.0$/);
    assert.equal(app!.properties.parameters.VotingWeb_InstanceCount, '3');

    const allowed = await rig.release('1.0.0', { 'application-name': APP, 'allow-downgrade': 'true', 'omitted-parameters': 'keep' });
    assert.equal(allowed.exitCode, 0, allowed.stdout);
    assert.match(allowed.stdout, /1\.0\.0 is older than 5\.0\.0, which fabric:\/ArmGuard runs: downgrading it \('allow-downgrade: true'\)/);
    assert.equal(allowed.outputs['application-result'], 'upgraded');
    assert.match((await armApplication(rig, 'ArmGuard'))!.properties.version, /\/versions\/1\.0\.0$/);
  });

  it('refuses an application of another type before staging or writing', async () => {
    const other = await sampleAtVersion('1.0.0', (rel, text) =>
      rel === 'ApplicationManifest.xml' ? text.replace('ApplicationTypeName="VotingType"', 'ApplicationTypeName="OtherType"') : text
    );
    const created = await rig.release({ path: other }, { 'application-name': 'fabric:/ArmTaken' });
    assert.equal(created.exitCode, 0, created.stdout);
    const before = writes();
    const run = await rig.release('7.0.0', { 'application-name': 'fabric:/ArmTaken' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::fabric:\/ArmTaken exists with the application type OtherType, not VotingType: an upgrade cannot change the type\..* Nothing was uploaded or changed\./
    );
    await assertNothingWritten(before, '7.0.0');
    assert.equal(run.outputs['provision-result'], undefined);
  });

  it('refuses to write while an ARM operation is under way on the application (an upgrade request would interrupt it)', async () => {
    const created = await rig.release('1.0.0', { 'application-name': 'fabric:/ArmBusy' });
    assert.equal(created.exitCode, 0, created.stdout);
    const v2 = await rig.release('2.0.0', { 'application-name': 'fabric:/ArmOtherUser' });
    assert.equal(v2.exitCode, 0, v2.stdout);
    startStalledUpgrade('fabric:/ArmBusy', '2.0.0');
    assert.equal((await armApplication(rig, 'ArmBusy'))!.properties.provisioningState, 'Updating');

    const before = writes();
    const run = await rig.release('3.0.0', { 'application-name': 'fabric:/ArmBusy' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::fabric:\/ArmBusy has an ARM operation under way \(provisioningState Updating\): writing the application now would interrupt it.*Wait until it ends.*then run the step again\. Nothing was uploaded or changed\./
    );
    await assertNothingWritten(before, '3.0.0');
    const upgrade = rig.emu.emulator.management.upgradeProgress('ArmBusy').json as { TargetApplicationTypeVersion: string; UpgradeState: string };
    assert.deepEqual([upgrade.TargetApplicationTypeVersion, upgrade.UpgradeState], ['2.0.0', 'RollingForwardPending'], 'the running upgrade was left alone');
  });

  it('checks again just before the application PUT: an upgrade started during the staging is not interrupted', async () => {
    const created = await rig.release('1.0.0', { 'application-name': 'fabric:/ArmRaced' });
    assert.equal(created.exitCode, 0, created.stdout);
    let started = false;
    const appPuts = rig.armRequests('arm-put-application');
    const run = await rig.release(
      '6.0.0',
      { 'application-name': 'fabric:/ArmRaced' },
      {
        onLine: line => {
          // After the first check and the staging, before the application is read again.
          if (!started && line.startsWith('ARM: provisioning VotingType 6.0.0 from')) {
            started = true;
            startStalledUpgrade('fabric:/ArmRaced', '2.0.0');
          }
        }
      }
    );
    assert.ok(started, run.stdout);
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /fabric:\/ArmRaced runs VotingType 1\.0\.0: nothing stops the release of 6\.0\.0\./);
    assert.match(
      run.stdout,
      /::error::fabric:\/ArmRaced has an ARM operation under way \(provisioningState Updating\).* \(fabric:\/ArmRaced changed during the upload; it was not upgraded\.\)/
    );
    assert.equal(rig.armRequests('arm-put-application'), appPuts, 'the application was written');
    const upgrade = rig.emu.emulator.management.upgradeProgress('ArmRaced').json as { TargetApplicationTypeVersion: string };
    assert.equal(upgrade.TargetApplicationTypeVersion, '2.0.0', 'the upgrade started meanwhile was interrupted');
  });
});
