// End to end: releases through ARM with dist/index.js, run as the runner runs it, against the
// emulator's managed-cluster ARM surface (https, Azure AD) and Azurite: v1 → v2 → v3 whose upgrade
// rolls back (the step fails although ARM said Succeeded), a malformed resource id refused before
// any request, and SIGTERM during a long-running operation.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { RunActionOptions } from '../scripts/runner.js';
import { visibleLog } from './helpers/action-output.js';
import { type ArmRig, startArmRig } from './helpers/arm-rig.js';
import { totalRequests } from './helpers/emulator.js';

describe('release through ARM to a managed cluster', () => {
  let rig: ArmRig;
  before(async () => {
    rig = await startArmRig({
      tenantId: '72f988bf-0000-4000-8000-00000000aa22',
      clientId: '11111111-0000-4000-8000-000000000002',
      management: { unhealthyVersions: ['3.0.0'] }
    });
  });
  after(() => rig?.dispose());

  function release(version: string, inputs: Record<string, string> = {}, hooks: Partial<RunActionOptions> = {}) {
    return rig.release(version, { 'application-name': 'fabric:/VotingArm', ...inputs }, hooks);
  }

  /** The type version the cluster runs the application at, from the emulator's cluster manager. */
  function clusterVersion(id: string): string | undefined {
    const answer = rig.emu.emulator.management.getApplication(id);
    return (answer.json as { TypeVersion?: string } | undefined)?.TypeVersion;
  }

  it('releases v1 then v2 through ARM, and fails v3 whose upgrade rolled back although ARM said Succeeded', async () => {
    const v1 = await release('1.0.0');
    assert.equal(v1.exitCode, 0, v1.stdout);
    assert.match(v1.stdout, /Register VotingType 1\.0\.0 through ARM/);
    assert.doesNotMatch(v1.stdout, /remove the package from the Image Store|image-store-path' is not set/);
    assert.equal(v1.outputs['application-type-version'], '1.0.0');
    assert.equal(v1.outputs['provision-result'], 'provisioned');
    assert.equal(v1.outputs['application-result'], 'created');
    assert.equal(v1.outputs['upgrade-state'], undefined, 'a create is no upgrade');
    assert.match(v1.summary, /Released<\/strong>: fabric:\/VotingArm created with VotingType 1\.0\.0/);
    assert.equal(v1.outputs['image-store-path'], undefined, 'the ARM path reported an Image Store destination it did not write');
    assert.equal(rig.emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk').length, 0);
    const visible = visibleLog(v1);
    assert.ok(v1.stdout.includes(`::add-mask::${rig.clientSecret}`), 'the client secret was not masked');
    for (const text of [visible, v1.stderr, v1.summary]) assert.ok(!text.includes(rig.clientSecret), 'the client secret was printed');

    const v2 = await release('2.0.0');
    assert.equal(v2.exitCode, 0, v2.stdout);
    assert.equal(v2.outputs['application-result'], 'upgraded');
    assert.equal(v2.outputs['previous-application-type-version'], '1.0.0');
    assert.equal(v2.outputs['upgrade-state'], 'RollingForwardCompleted');
    assert.match(v2.summary, /Released<\/strong>: fabric:\/VotingArm upgraded from 1\.0\.0 to 2\.0\.0\./);
    assert.ok(Number(v2.outputs['deploy-duration-seconds']) > 0, 'no deploy duration');
    assert.equal(clusterVersion('VotingArm'), '2.0.0');

    const v3 = await release('3.0.0');
    assert.equal(v3.exitCode, 1, v3.stdout);
    assert.match(v3.stdout, /ARM reported the operation Succeeded, but the application VotingArm is at 2\.0\.0, not 3\.0\.0: the upgrade was rolled back/);
    assert.equal(v3.outputs['upgrade-state'], 'RollingBackCompleted');
    assert.match(v3.summary, /Rolled back<\/strong>: the upgrade of fabric:\/VotingArm to 3\.0\.0 failed and was rolled back; it runs 2\.0\.0 again\./);
    assert.equal(clusterVersion('VotingArm'), '2.0.0');
  });

  it('refuses a malformed managed cluster resource id before any request', async () => {
    const before = totalRequests(rig.emu.journal);
    const run = await release('1.0.0', {
      'managed-cluster-resource-id': '/subscriptions/not-a-guid/resourceGroups/rg-1/providers/Microsoft.ServiceFabric/managedClusters/mycluster'
    });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /names the subscription 'not-a-guid', which is not a subscription id/);
    assert.equal(totalRequests(rig.emu.journal), before, 'a request was sent');
  });

  it('SIGTERM during a long-running ARM operation says that ARM goes on in the cluster', async () => {
    let child: ChildProcess | undefined;
    const run = await release(
      '4.0.0',
      { 'application-name': 'fabric:/VotingArmSignal' },
      {
        onStart: c => (child = c),
        onLine: line => {
          if (line === 'ARM: creating the application VotingArmSignal at 4.0.0…') child?.kill('SIGTERM');
        }
      }
    );
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /Received SIGTERM: cancelling the wait for ARM/);
    assert.match(run.stdout, /cancelled while ARM was creating the application VotingArmSignal at 4\.0\.0\. ARM goes on creating the application/);
  });
});
