// End to end through dist/index.js on the ARM rig: the version resource records the SHA-256 of the
// `.sfpkg` the action provisioned it from (its tag `sfu-sfpkg-sha256`), and a release of a version
// provisioned already is compared with that record, not with whatever the blob holds now (replaced
// by hand, or by a release of the same version to another cluster). A version without the tag
// (provisioned by another tool, or by an earlier release of the action) falls back to the blob, and
// says so. Also: deploy-duration-seconds on the ARM path.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { buildSfpkg } from '../src/azure/sfpkg.js';
import { scanPackage } from '../src/package/package-scan.js';
import { type ArmRig, CLUSTER, startArmRig } from './helpers/arm-rig.js';

const TAG = 'sfu-sfpkg-sha256';

describe('release through ARM: a provisioned version is compared with the SHA-256 its resource records', () => {
  let rig: ArmRig;
  before(async () => {
    rig = await startArmRig({ tenantId: '72f988bf-0000-4000-8000-00000000ad08', clientId: '11111111-0000-4000-8000-0000000000d8' });
  });
  after(() => rig?.dispose());

  const writes = () => rig.armRequests('arm-put') + rig.armRequests('arm-patch') + rig.armRequests('arm-delete');
  const blobOf = (version: string) => rig.azurite.container(rig.container).getBlockBlobClient(`VotingType/VotingType.${version}.sfpkg`);
  const versionResource = (version: string) =>
    rig.armGet<{ tags?: Record<string, string>; properties: { provisioningState: string } }>(`${CLUSTER}/applicationTypes/VotingType/versions/${version}`);

  /** The sample at `version` with one Code file changed: the version not bumped. */
  async function changedCode(version: string): Promise<string> {
    const root = await sampleAtVersion(version);
    const file = path.join(root, 'VotingWebPkg', 'Code', 'wwwroot', 'index.html');
    await writeFile(file, `${await readFile(file, 'utf8')}\n<!-- changed without a version bump -->\n`);
    return root;
  }

  /**
   * Replaces the version's blob with the `.sfpkg` of `root`, with the metadata the action writes (as a
   * release of the same version with other content to another cluster, sharing the container, does).
   */
  async function replaceBlob(version: string, root: string): Promise<string> {
    const built = await buildSfpkg(await scanPackage(root, ['**']), `VotingType.${version}.sfpkg`, tmpdir());
    try {
      await blobOf(version).uploadFile(built.path, { metadata: { sfusha256: built.sha256 } });
      return built.sha256;
    } finally {
      await built.dispose();
    }
  }

  it('sets deploy-duration-seconds on the ARM path, in the outputs and the job summary', async () => {
    const started = Date.now();
    const v1 = await rig.release('1.0.0', { 'application-name': 'fabric:/ArmHashDuration' });
    const wall = (Date.now() - started) / 1000;
    assert.equal(v1.exitCode, 0, v1.stdout);
    assert.equal(v1.outputs['provision-result'], 'provisioned');
    const duration = Number(v1.outputs['deploy-duration-seconds']);
    assert.ok(
      Number.isFinite(duration) && duration > 0 && duration < wall,
      `deploy-duration-seconds '${v1.outputs['deploy-duration-seconds']}' (the run took ${wall} s)`
    );
    assert.match(v1.summary, /<td>Release duration<\/td><td>\d+\.\d s<\/td>/);
  });

  it('records the staged .sfpkg in the version tag; passes the provisioned package and refuses other content before any write, whatever the blob holds now', async () => {
    const app = { 'application-name': 'fabric:/ArmHashTagged' };
    const v2 = await rig.release('2.0.0', app);
    assert.equal(v2.exitCode, 0, v2.stdout);
    const resource = await versionResource('2.0.0');
    assert.equal(resource.status, 200);
    const recorded = resource.json.tags?.[TAG];
    assert.match(recorded ?? '', /^[0-9a-f]{64}$/, 'no SHA-256 in the tag');
    assert.equal(recorded, (await blobOf('2.0.0').getProperties()).metadata?.sfusha256, 'the tag is not the staged .sfpkg’s SHA-256');

    // The blob now holds another package of 2.0.0, with the action's own metadata.
    const changed = await changedCode('2.0.0');
    const otherSha = await replaceBlob('2.0.0', changed);
    assert.notEqual(otherSha, recorded);
    const replacedEtag = (await blobOf('2.0.0').getProperties()).etag;
    const before = writes();

    const same = await rig.release('2.0.0', app);
    assert.equal(same.exitCode, 0, same.stdout);
    assert.ok(
      same.stdout.includes(`VotingType 2.0.0 was provisioned from this very package (SHA-256 ${recorded}, recorded in the tag '${TAG}' of its ARM resource).`),
      same.stdout
    );
    assert.equal(same.outputs['provision-result'], 'already-provisioned');
    assert.equal(same.outputs['application-result'], 'unchanged');
    assert.equal(same.outputs['blob-result'], 'reused');
    assert.equal(writes(), before, 'an ARM resource was written');

    const other = await rig.release({ path: changed }, app);
    assert.equal(other.exitCode, 1, other.stdout);
    assert.ok(
      other.stdout.includes(
        `::error::VotingType 2.0.0 is provisioned from another package (SHA-256 ${recorded} recorded in the tag '${TAG}' of its ARM resource, this package's ${otherSha}): a provisioned version never changes: give the changed packages and the type new versions, or use 'version-stamp: content'. Nothing was uploaded or changed.`
      ),
      other.stdout
    );
    assert.equal(writes(), before, 'an ARM resource was written');
    assert.equal((await blobOf('2.0.0').getProperties()).etag, replacedEtag, 'the blob was written');
  });

  it('compares a version without the tag with its blob, as before, and says why', async () => {
    const app = { 'application-name': 'fabric:/ArmHashUntagged' };
    const v3 = await rig.release('3.0.0', app);
    assert.equal(v3.exitCode, 0, v3.stdout);
    // As a version provisioned by an earlier release of the action, or by another tool: no tag.
    const patched = await rig.armSend<{ tags?: Record<string, string> }>('PATCH', `${CLUSTER}/applicationTypes/VotingType/versions/3.0.0`, { tags: {} });
    assert.equal(patched.status, 200);
    assert.equal((await versionResource('3.0.0')).json.tags?.[TAG], undefined);
    const stagedEtag = (await blobOf('3.0.0').getProperties()).etag;
    const before = writes();
    const why =
      "ARM shows no tag 'sfu-sfpkg-sha256' on VotingType 3.0.0 (it was provisioned by another tool, or by an earlier release of this action): this package is compared with the blob instead.";

    const changed = await rig.release({ path: await changedCode('3.0.0') }, app);
    assert.equal(changed.exitCode, 1, changed.stdout);
    assert.ok(changed.stdout.includes(why), changed.stdout);
    assert.match(
      changed.stdout,
      /::error::VotingType 3\.0\.0 is provisioned from another package \(the blob's SHA-256 [0-9a-f]{64}, this package's [0-9a-f]{64}\)/
    );

    const same = await rig.release('3.0.0', app);
    assert.equal(same.exitCode, 0, same.stdout);
    assert.ok(same.stdout.includes(why), same.stdout);
    assert.match(same.stdout, /holds this very package \(SHA-256 [0-9a-f]{64}\): VotingType 3\.0\.0 is provisioned from it\./);
    assert.equal(same.outputs['blob-result'], 'reused');
    assert.equal(writes(), before, 'an ARM resource was written');
    assert.equal((await blobOf('3.0.0').getProperties()).etag, stagedEtag, 'the blob was written');
  });
});
