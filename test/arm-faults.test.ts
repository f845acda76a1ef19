// End to end through dist/index.js against the emulator's ARM surface with faults aimed at its
// routes: a PUT whose answer is lost after the work was done is judged by reading the resource
// back (followed, never sent twice), a 429 is sent again after its Retry-After; and
// `unprovision-old-versions` through ARM deletes only the versions no application uses, as the
// version resources and the cluster's own list of application types show.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FaultOptions } from '../emulator/faults.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { armApplication, type ArmRig, armTypeVersions, clusterTypeVersions, startArmRig } from './helpers/arm-rig.js';

describe('release through ARM: lost answers, busy answers, old versions', () => {
  let rig: ArmRig;
  before(async () => {
    rig = await startArmRig({ tenantId: '72f988bf-0000-4000-8000-00000000ab02', clientId: '11111111-0000-4000-8000-0000000000a2' });
  });
  after(() => rig?.dispose());

  function aimFaults(faults: FaultOptions): void {
    Object.assign(rig.emu.emulator.options.faults!, { failRate: 0, stallRate: 0, ...faults });
  }

  it('a version or application PUT whose answer is lost after the work was done is read back and followed, not sent again', async () => {
    aimFaults({ failRate: 1, failKinds: ['lost-answer'], routes: ['arm-put-version', 'arm-put-application'] });
    try {
      for (const [version, result] of [
        ['1.0.0', 'created'],
        ['2.0.0', 'upgraded']
      ] as const) {
        const puts = { version: rig.armRequests('arm-put-version'), application: rig.armRequests('arm-put-application') };
        const run = await rig.release(version, { 'application-name': 'fabric:/ArmLost' });
        assert.equal(run.exitCode, 0, run.stdout);
        assert.equal(run.outputs['application-result'], result);
        assert.match(
          run.stdout,
          new RegExp(`ARM: no answer to provisioning VotingType ${version.replace(/\./g, '\\.')} .*reading the resource back before sending anything again`)
        );
        assert.match(run.stdout, /ARM: no answer to (creating|upgrading) the application ArmLost .*reading the resource back/);
        assert.doesNotMatch(run.stdout, /does not show .*: sending it again/);
        assert.equal(rig.armRequests('arm-put-version') - puts.version, 1, 'the version PUT was sent again');
        assert.equal(rig.armRequests('arm-put-application') - puts.application, 1, 'the application PUT was sent again');
      }
    } finally {
      aimFaults({});
    }
    assert.ok(rig.emu.journal.faults.filter(f => f.kind === 'lost-answer').length >= 4, JSON.stringify(rig.emu.journal.faults));
    const app = await armApplication(rig, 'ArmLost');
    assert.match(app!.properties.version, /\/versions\/2\.0\.0$/);
    assert.equal(app!.properties.provisioningState, 'Succeeded');
  });

  it('a 429 is answered by waiting as its Retry-After says and sending again', async () => {
    const created = await rig.release('1.0.0', { 'application-name': 'fabric:/ArmThrottled' });
    assert.equal(created.exitCode, 0, created.stdout);
    aimFaults({ failRate: 1, failKinds: ['busy'], routes: ['arm-put-application'] });
    const puts = rig.armRequests('arm-put-application');
    try {
      const run = await rig.release(
        '2.0.0',
        { 'application-name': 'fabric:/ArmThrottled' },
        {
          onLine: line => {
            // The wait has begun: the next attempt finds ARM no longer busy.
            if (line.startsWith('ARM: HTTP 429 TooManyRequests while upgrading the application ArmThrottled')) aimFaults({});
          }
        }
      );
      assert.equal(run.exitCode, 0, run.stdout);
      assert.match(
        run.stdout,
        /ARM: HTTP 429 TooManyRequests while upgrading the application ArmThrottled to 2\.0\.0: asking again in 1 s, as its Retry-After says \(attempt 2 of 5\)\./
      );
      assert.equal(run.outputs['upgrade-state'], 'RollingForwardCompleted');
      assert.equal(rig.armRequests('arm-put-application') - puts, 2);
    } finally {
      aimFaults({});
    }
  });

  it('unprovision-old-versions deletes only the versions no application uses, and lists them', async () => {
    const life = (version: string) =>
      sampleAtVersion(version, (rel, text) =>
        rel === 'ApplicationManifest.xml' ? text.replace('ApplicationTypeName="VotingType"', 'ApplicationTypeName="LifeType"') : text
      );
    const release = async (version: string, app: string, unprovision: boolean) => {
      const run = await rig.release({ path: await life(version) }, { 'application-name': app, 'unprovision-old-versions': String(unprovision) });
      assert.equal(run.exitCode, 0, run.stdout);
      return run;
    };
    await release('1.0.0', 'fabric:/LifeKeeper', false);
    await release('1.0.0', 'fabric:/LifeOld', true);
    const v2 = await release('2.0.0', 'fabric:/LifeOld', true);
    assert.match(v2.stdout, /ARM: LifeType 1\.0\.0: kept, an application uses it\./);
    assert.deepEqual(await armTypeVersions(rig, 'LifeType'), ['1.0.0', '2.0.0']);

    const v3 = await release('3.0.0', 'fabric:/LifeOld', true);
    assert.match(v3.stdout, /ARM: unprovisioning LifeType 2\.0\.0, which no application uses…/);
    assert.match(v3.summary, /<td>Old versions unprovisioned<\/td><td>2\.0\.0 \(kept, in use: 1\.0\.0\)<\/td>/);
    assert.deepEqual(await armTypeVersions(rig, 'LifeType'), ['1.0.0', '3.0.0'], 'the version resources');
    assert.deepEqual(await clusterTypeVersions(rig, 'LifeType'), ['1.0.0', '3.0.0'], "the cluster's application types");
  });
});
