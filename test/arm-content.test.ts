// End to end through dist/index.js: a type version provisioned already through ARM never changes, so
// a release of the same version compares its package with the SHA-256 the version's tag records (or,
// without the tag, with the blob the version was staged in), without uploading or replacing anything:
// other content fails before any ARM write, the same content goes on (reuse), and without the tag, no
// blob to compare with (delete-blob, another blob-name) is a warning. test/arm-provisioned-hash.test.ts
// has the blob replaced by hand.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { visibleLog } from './helpers/action-output.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { type ArmRig, CLUSTER, startArmRig } from './helpers/arm-rig.js';

describe('release through ARM: a provisioned version is compared, never replaced', () => {
  let rig: ArmRig;
  before(async () => {
    rig = await startArmRig({ tenantId: '72f988bf-0000-4000-8000-00000000ac07', clientId: '11111111-0000-4000-8000-0000000000c7' });
  });
  after(() => rig?.dispose());

  /** The test's own PATCHes (untag), left out of the writes counted. */
  let ownWrites = 0;
  const writes = () => rig.armRequests('arm-put') + rig.armRequests('arm-patch') + rig.armRequests('arm-delete') - ownWrites;
  /** Removes the version's tags, as on a version provisioned by an earlier release of the action. */
  async function untag(version: string): Promise<void> {
    ownWrites++;
    const answer = await rig.armSend('PATCH', `${CLUSTER}/applicationTypes/VotingType/versions/${version}`, { tags: {} });
    assert.equal(answer.status, 200);
  }
  const recordedElsewhere = (version: string) =>
    new RegExp(
      `::error::VotingType ${version.replace(/\./g, '\\.')} is provisioned from another package \\(SHA-256 [0-9a-f]{64} recorded in the tag 'sfu-sfpkg-sha256' of its ARM resource, this package's [0-9a-f]{64}\\): a provisioned version never changes`
    );
  const blobOf = (version: string) => rig.azurite.container(rig.container).getBlockBlobClient(`VotingType/VotingType.${version}.sfpkg`);

  /** The sample at `version` with one Code file changed: the version not bumped. */
  async function changedCode(version: string): Promise<string> {
    const root = await sampleAtVersion(version);
    const file = path.join(root, 'VotingWebPkg', 'Code', 'wwwroot', 'index.html');
    await writeFile(file, `${await readFile(file, 'utf8')}\n<!-- changed without a version bump -->\n`);
    return root;
  }

  it('refuses another package under a provisioned version before any ARM write, leaving the blob alone; the same package is reused', async () => {
    const v1 = await rig.release('1.0.0', { 'application-name': 'fabric:/ArmContent' });
    assert.equal(v1.exitCode, 0, v1.stdout);
    assert.equal(v1.outputs['provision-result'], 'provisioned');
    const staged = await blobOf('1.0.0').downloadToBuffer();
    const stagedEtag = (await blobOf('1.0.0').getProperties()).etag;

    const before = writes();
    const changed = await rig.release({ path: await changedCode('1.0.0') }, { 'application-name': 'fabric:/ArmContent' });
    assert.equal(changed.exitCode, 1, changed.stdout);
    assert.match(
      changed.stdout,
      /::error::VotingType 1\.0\.0 is provisioned from another package \(SHA-256 [0-9a-f]{64} recorded in the tag 'sfu-sfpkg-sha256' of its ARM resource, this package's [0-9a-f]{64}\): a provisioned version never changes: give the changed packages and the type new versions, or use 'version-stamp: content'\. Nothing was uploaded or changed\./
    );
    assert.equal(writes(), before, 'an ARM resource was written');
    assert.equal((await blobOf('1.0.0').getProperties()).etag, stagedEtag, 'the blob was replaced');
    assert.deepEqual(await blobOf('1.0.0').downloadToBuffer(), staged, 'the blob changed');

    const same = await rig.release('1.0.0', { 'application-name': 'fabric:/ArmContent' });
    assert.equal(same.exitCode, 0, same.stdout);
    assert.match(
      same.stdout,
      /VotingType 1\.0\.0 was provisioned from this very package \(SHA-256 [0-9a-f]{64}, recorded in the tag 'sfu-sfpkg-sha256' of its ARM resource\)\./
    );
    assert.equal(same.outputs['provision-result'], 'already-provisioned');
    assert.equal(same.outputs['blob-result'], 'reused');
    assert.equal(same.outputs['application-result'], 'unchanged');
    assert.equal(writes(), before, 'an ARM resource was written');
    assert.equal((await blobOf('1.0.0').getProperties()).etag, stagedEtag, 'the blob was written');
  });

  it('refuses other content by the tag when the blob was deleted; without the tag, warns that it cannot confirm, and uploads nothing', async () => {
    const inputs = { 'application-name': 'fabric:/ArmContentDeleted', 'delete-blob': 'true', 'blob-sas': rig.azurite.containerSas(rig.container, 'rwd') };
    const v2 = await rig.release('2.0.0', inputs);
    assert.equal(v2.exitCode, 0, v2.stdout);
    assert.equal(await rig.azurite.blobStatus(rig.container, 'VotingType/VotingType.2.0.0.sfpkg'), 404, 'delete-blob kept the blob');

    const before = writes();
    const refused = await rig.release({ path: await changedCode('2.0.0') }, inputs);
    assert.equal(refused.exitCode, 1, refused.stdout);
    assert.match(refused.stdout, recordedElsewhere('2.0.0'));
    assert.equal(writes(), before, 'an ARM resource was written');

    await untag('2.0.0');
    const again = await rig.release({ path: await changedCode('2.0.0') }, inputs);
    assert.equal(again.exitCode, 0, again.stdout);
    assert.match(
      again.stdout,
      /::warning::VotingType 2\.0\.0 is provisioned already, and \S+VotingType\.2\.0\.0\.sfpkg is not there, so the step cannot confirm that it holds this package .*'delete-blob: true'.*If the package changed, give the changed packages and the type new versions, or use 'version-stamp: content'\./
    );
    assert.equal(again.outputs['provision-result'], 'already-provisioned');
    assert.equal(again.outputs['application-result'], 'unchanged');
    assert.equal(again.outputs['blob-result'], undefined);
    assert.equal(writes(), before, 'an ARM resource was written');
    assert.equal(await rig.azurite.blobStatus(rig.container, 'VotingType/VotingType.2.0.0.sfpkg'), 404, 'the .sfpkg was uploaded');
  });

  it('refuses other content by the tag under another blob-name; without the tag, warns, and neither uploads nor compares with the blob it names now', async () => {
    const v3 = await rig.release('3.0.0', { 'application-name': 'fabric:/ArmContentRenamed', 'blob-name': 'first/VotingType.3.0.0.sfpkg' });
    assert.equal(v3.exitCode, 0, v3.stdout);

    const before = writes();
    const second = { 'application-name': 'fabric:/ArmContentRenamed', 'blob-name': 'second/VotingType.3.0.0.sfpkg' };
    const refused = await rig.release({ path: await changedCode('3.0.0') }, second);
    assert.equal(refused.exitCode, 1, refused.stdout);
    assert.match(refused.stdout, recordedElsewhere('3.0.0'));
    assert.equal(writes(), before, 'an ARM resource was written');

    await untag('3.0.0');
    const renamed = await rig.release({ path: await changedCode('3.0.0') }, second);
    assert.equal(renamed.exitCode, 0, renamed.stdout);
    assert.match(
      renamed.stdout,
      /::warning::VotingType 3\.0\.0 is provisioned already, and it was provisioned from \S+\/first\/VotingType\.3\.0\.0\.sfpkg, not from \S+\/second\/VotingType\.3\.0\.0\.sfpkg, so the step cannot confirm/
    );
    assert.ok(!visibleLog(renamed).includes('sig='), 'a SAS was printed');
    assert.equal(writes(), before, 'an ARM resource was written');
    assert.equal(await rig.azurite.blobStatus(rig.container, 'second/VotingType.3.0.0.sfpkg'), 404, 'the .sfpkg was uploaded');
  });
});
