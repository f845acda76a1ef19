// End to end through dist/index.js on the gateway's ExternalStore path: two clusters releasing the
// same type and version with other content to one container each get a blob of their own (the
// default name holds a short hash of the gateway), so a re-run on one cluster compares with what that
// cluster was provisioned from, not with what the other's release put there. A version staged under
// the name earlier releases used (no cluster folder) is still compared with that blob.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { clusterBlobScope } from '../src/azure/blob-location.js';
import { startAzurite, type TestAzurite } from './helpers/azurite.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const CONTAINER = 'shared';

describe('Blob storage (ExternalStore): one container shared by two clusters', () => {
  let first: TestEmulator;
  let second: TestEmulator;
  let azurite: TestAzurite;
  let containerUrl: string;
  let sas: string;
  before(async () => {
    const management = { provisionSeconds: 0.1 };
    [first, second, azurite] = await Promise.all([startTestEmulator({ management }), startTestEmulator({ management }), startAzurite()]);
    containerUrl = await azurite.createContainer(CONTAINER);
    sas = azurite.containerSas(CONTAINER, 'rw');
  });
  after(async () => {
    await Promise.all([first?.dispose(), second?.dispose(), azurite?.dispose()]);
  });

  const provision = (emu: TestEmulator, packagePath: string, inputs: Record<string, string> = {}) =>
    runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': packagePath,
        'blob-container-url': containerUrl,
        'blob-sas': sas,
        provision: 'true',
        ...inputs
      },
      env: { SFU_POLL_INTERVAL_MS: '50', SFU_TEST_BLOB_ORIGIN: azurite.origin }
    });
  const provisions = (emu: TestEmulator) => emu.journal.requests['provision'] ?? 0;

  /** The sample at `version` with one Code file changed: the version not bumped. */
  async function changedCode(version: string): Promise<string> {
    const root = await sampleAtVersion(version);
    const file = path.join(root, 'VotingWebPkg', 'Code', 'wwwroot', 'index.html');
    await writeFile(file, `${await readFile(file, 'utf8')}\n<!-- another build of the same version -->\n`);
    return root;
  }

  it("keeps each cluster's .sfpkg apart, so a re-run compares with its own cluster's package", async () => {
    const ours = await sampleAtVersion('1.0.0');
    const theirs = await changedCode('1.0.0');
    const a = await provision(first, ours);
    assert.equal(a.exitCode, 0, a.stdout);
    const ourBlob = `VotingType/${clusterBlobScope(first.url)}/VotingType.1.0.0.sfpkg`;
    assert.equal(a.outputs['package-url'], `${containerUrl}/${ourBlob}`);
    const ourEtag = (await azurite.container(CONTAINER).getBlobClient(ourBlob).getProperties()).etag;

    const b = await provision(second, theirs);
    assert.equal(b.exitCode, 0, b.stdout);
    assert.equal(b.outputs['blob-result'], 'uploaded');
    assert.notEqual(b.outputs['package-url'], a.outputs['package-url'], 'both clusters were given one blob');
    assert.equal((await azurite.container(CONTAINER).getBlobClient(ourBlob).getProperties()).etag, ourEtag, "the other cluster's release replaced our blob");

    const before = provisions(first);
    const same = await provision(first, ours);
    assert.equal(same.exitCode, 0, same.stdout);
    assert.equal(same.outputs['provision-result'], 'already-provisioned');
    assert.equal(same.outputs['blob-result'], 'reused');
    assert.match(same.stdout, /holds this very package \(SHA-256 [0-9a-f]{64}\): VotingType 1\.0\.0 is provisioned from it\./);

    const other = await provision(first, theirs);
    assert.equal(other.exitCode, 1, other.stdout);
    assert.match(
      other.stdout,
      /::error::VotingType 1\.0\.0 is provisioned from another package \(the blob's SHA-256 [0-9a-f]{64}, this package's [0-9a-f]{64}\)/
    );
    assert.equal(provisions(first), before, 'a provision was sent');
    assert.equal((await azurite.container(CONTAINER).getBlobClient(ourBlob).getProperties()).etag, ourEtag, 'the blob was written');
  });

  it('compares a version staged under the earlier default name with that blob, and says so', async () => {
    const v2 = await sampleAtVersion('2.0.0');
    const unscoped = 'VotingType/VotingType.2.0.0.sfpkg';
    const staged = await provision(first, v2, { 'blob-name': unscoped });
    assert.equal(staged.exitCode, 0, staged.stdout);
    const earlierName = `is not there, ${containerUrl}/${unscoped} is (the name releases used before this cluster's folder was part of it): compared with it.`;

    const same = await provision(first, v2);
    assert.equal(same.exitCode, 0, same.stdout);
    assert.ok(same.stdout.includes(earlierName), same.stdout);
    assert.equal(same.outputs['blob-result'], 'reused');
    assert.equal(same.outputs['package-url'], `${containerUrl}/${unscoped}`);

    const other = await provision(first, await changedCode('2.0.0'));
    assert.equal(other.exitCode, 1, other.stdout);
    assert.ok(other.stdout.includes(earlierName), other.stdout);
    assert.match(other.stdout, /::error::VotingType 2\.0\.0 is provisioned from another package/);
    const names: string[] = [];
    for await (const blob of azurite.container(CONTAINER).listBlobsFlat({ prefix: 'VotingType/' })) names.push(blob.name);
    assert.ok(!names.some(n => n.endsWith('/VotingType.2.0.0.sfpkg') && n !== unscoped), `a re-run staged 2.0.0 again: ${names.join(', ')}`);
  });
});
