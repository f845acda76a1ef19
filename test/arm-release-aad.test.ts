// End to end through dist/index.js: a release through ARM with no `blob-sas`. The action stages the
// .sfpkg in Azurite (https, `--oauth basic`) with a Storage token of the ARM endpoint's authority,
// and the managed cluster downloads it with a read-only user delegation SAS for that blob alone,
// registered as a secret before it can be printed, and never shown in the log, summary or outputs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { maskedSecrets, visibleLog } from './helpers/action-output.js';
import { armApplication, type ArmRig, startArmRig } from './helpers/arm-rig.js';

describe('release through ARM with Azure AD for Blob storage (user delegation SAS)', () => {
  let rig: ArmRig;
  before(async () => {
    rig = await startArmRig({ tenantId: '72f988bf-0000-4000-8000-00000000ab03', clientId: '11111111-0000-4000-8000-0000000000a3', blobWithAzureAd: true });
  });
  after(() => rig?.dispose());

  it('provisions from a read-only SAS for the one blob, masked everywhere', async () => {
    const run = await rig.release('1.0.0', { 'application-name': 'fabric:/ArmAad' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['blob-result'], 'uploaded');
    assert.equal(run.outputs['provision-result'], 'provisioned');
    assert.equal(run.outputs['application-result'], 'created');
    assert.match((await armApplication(rig, 'ArmAad'))!.properties.version, /\/versions\/1\.0\.0$/);

    const masks = maskedSecrets(run);
    const query = masks.find(m => m.includes('skoid='));
    assert.ok(query, 'no user delegation SAS was registered as a secret');
    const sas = new URLSearchParams(query);
    assert.deepEqual([sas.get('sp'), sas.get('sr')], ['r', 'b'], 'the SAS is not read-only for the blob alone');
    assert.ok(masks.includes(sas.get('sig')!), 'the signature alone was not masked');
    // The version resource carries the URL the cluster downloaded (the SAS included): the same SAS.
    const version = await rig.armGet<{ properties: { appPackageUrl: string } }>(
      '/subscriptions/00000000-0000-0000-0000-0000000000ab/resourceGroups/rg-1/providers/Microsoft.ServiceFabric/managedClusters/mycluster/applicationTypes/VotingType/versions/1.0.0'
    );
    assert.equal(new URL(version.json.properties.appPackageUrl).searchParams.get('sig'), sas.get('sig'));
    const visible = visibleLog(run);
    for (const text of [visible, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      assert.ok(!text.includes(sas.get('sig')!), 'the SAS signature was printed');
      assert.ok(!text.includes(encodeURIComponent(sas.get('sig')!)), 'the encoded SAS signature was printed');
      assert.ok(!text.includes(rig.clientSecret), 'the client secret was printed');
    }
    assert.ok(!run.outputs['package-url']?.includes('?'), `package-url carries a query: ${run.outputs['package-url']}`);
  });
});
