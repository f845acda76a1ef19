// End to end: releases through Blob storage (ExternalStore) with dist/index.js, run as the runner
// runs it, against the emulator and Azurite: the cluster downloads the .sfpkg itself.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ActionRun, runAction } from '../scripts/runner.js';
import { clusterBlobScope } from '../src/azure/blob-location.js';
import { sampleAtVersion } from '../scripts/sample-versions.js';
import { visibleLog } from './helpers/action-output.js';
import { startAzurite, type TestAzurite } from './helpers/azurite.js';
import { startTestEmulator, type TestEmulator, totalRequests } from './helpers/emulator.js';
import { readZip } from './helpers/zip-reader.js';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const CONTAINER = 'packages';

function imageStoreWrites(emu: TestEmulator): number {
  return emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'upload-chunk' || e.op === 'commit').length;
}

async function application(emu: TestEmulator, id: string): Promise<{ TypeVersion: string } | undefined> {
  const res = await fetch(`${emu.url}/Applications/${id}?api-version=6.0`);
  return res.status === 200 ? ((await res.json()) as { TypeVersion: string }) : undefined;
}

/** The sig= value appears in no visible line, output or summary, and was registered as a secret. */
function assertSasMasked(run: ActionRun, sas: string): void {
  const sig = new URLSearchParams(sas).get('sig')!;
  const visible = visibleLog(run);
  for (const piece of [sig, encodeURIComponent(sig)]) {
    for (const [where, text] of [
      ['log', visible],
      ['stderr', run.stderr],
      ['summary', run.summary],
      ['outputs', JSON.stringify(run.outputs)]
    ] as const) {
      assert.ok(!text.includes(piece), `the SAS signature appears in the ${where}`);
    }
  }
  assert.ok(run.stdout.includes(`::add-mask::${sig}`), 'the SAS signature was not registered as a secret');
}

describe('release through Blob storage (ExternalStore)', () => {
  let emu: TestEmulator;
  let azurite: TestAzurite;
  let containerUrl: string;
  let sas: string;
  let v1: string;
  let v2: string;
  before(async () => {
    [emu, azurite] = await Promise.all([
      startTestEmulator({ management: { upgradeDomains: 2, upgradeDomainSeconds: 0.1, provisionSeconds: 0.1 } }),
      startAzurite()
    ]);
    containerUrl = await azurite.createContainer(CONTAINER);
    sas = azurite.containerSas(CONTAINER, 'rwd');
    v1 = await sampleAtVersion('1.0.0');
    v2 = await sampleAtVersion('2.0.0');
  });
  after(async () => {
    await Promise.all([emu?.dispose(), azurite?.dispose()]);
  });

  /** The default blob name on the gateway path: in this cluster's folder. */
  const blobName = (version: string) => `VotingType/${clusterBlobScope(emu.url)}/VotingType.${version}.sfpkg`;

  const release = (packagePath: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
    runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': packagePath,
        'blob-container-url': containerUrl,
        'blob-sas': sas,
        'application-name': 'fabric:/Voting',
        ...inputs
      },
      env: { SFU_POLL_INTERVAL_MS: '50', SFU_TEST_BLOB_ORIGIN: azurite.origin, ...env }
    });

  it('v1 then v2: provisioned from the .sfpkg in Azurite, nothing through the Image Store, the SAS masked', async () => {
    const first = await release(v1);
    assert.equal(first.exitCode, 0, first.stdout);
    // The plan says where the package comes from: not the Image Store, nor a default store path.
    assert.match(first.stdout, /Provision VotingType 1\.0\.0 from an \.sfpkg in Blob storage/);
    assert.doesNotMatch(first.stdout, /remove the package from the Image Store|image-store-path' is not set/);
    assert.equal(first.outputs['blob-result'], 'uploaded');
    assert.equal(first.outputs['provision-result'], 'provisioned');
    assert.equal(first.outputs['application-result'], 'created');
    assert.equal(first.outputs['package-url'], `${containerUrl}/${blobName('1.0.0')}`);
    assert.equal(first.outputs['image-store-path'], undefined, 'the Blob path reported an Image Store destination it did not write');
    assertSasMasked(first, sas);

    const second = await release(v2);
    assert.equal(second.exitCode, 0, second.stdout);
    assert.equal(second.outputs['application-result'], 'upgraded');
    assert.equal(second.outputs['previous-application-type-version'], '1.0.0');
    assertSasMasked(second, sas);
    assert.equal((await application(emu, 'Voting'))?.TypeVersion, '2.0.0');
    assert.equal(imageStoreWrites(emu), 0, 'the package went through the Image Store');
    const provisions = emu.journal.managementCalls.filter(c => /provision/i.test(c.operation));
    assert.ok(provisions.length >= 2, JSON.stringify(emu.journal.managementCalls));

    // The blob holds the package's files at its root (ApplicationManifest.xml first level), byte for byte.
    const dir = await mkdtemp(path.join(tmpdir(), 'sfu-sfpkg-check-'));
    const local = path.join(dir, 'v2.sfpkg');
    await azurite.container(CONTAINER).getBlobClient(blobName('2.0.0')).downloadToFile(local);
    const entries = await readZip(local);
    const manifest = entries.find(e => e.name === 'ApplicationManifest.xml');
    assert.ok(manifest?.content?.toString('utf8').includes('ApplicationTypeVersion="2.0.0"'));
  });

  it('a re-run of the same version reuses the blob after checking its hash', async () => {
    const blob = azurite.container(CONTAINER).getBlobClient(blobName('2.0.0'));
    const before = await blob.getProperties();
    const run = await release(v2, { 'unprovision-old-versions': 'false' });
    assert.equal(run.exitCode, 0, run.stdout);
    // Already provisioned with the same manifests: nothing to stage.
    assert.equal(run.outputs['provision-result'], 'already-provisioned');
    const after = await blob.getProperties();
    assert.equal(after.etag, before.etag, 'the blob was written again');
  });

  it('a re-run of a provisioned version with other content fails before any write, the blob left alone', async () => {
    const changed = await sampleAtVersion('2.0.0');
    const file = path.join(changed, 'VotingWebPkg', 'Code', 'wwwroot', 'index.html');
    await writeFile(file, `${await readFile(file, 'utf8')}\n<!-- changed without a version bump -->\n`);
    const blob = azurite.container(CONTAINER).getBlobClient(blobName('2.0.0'));
    const before = await blob.getProperties();
    const writesBefore = ['provision', 'create-application', 'upgrade-application'].map(r => emu.journal.requests[r] ?? 0);
    const run = await release(changed, { 'unprovision-old-versions': 'false' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(
      run.stdout,
      /::error::VotingType 2\.0\.0 is provisioned from another package \(the blob's SHA-256 [0-9a-f]{64}, this package's [0-9a-f]{64}\)/
    );
    assert.equal((await blob.getProperties()).etag, before.etag, 'the blob was replaced');
    const writesAfter = ['provision', 'create-application', 'upgrade-application'].map(r => emu.journal.requests[r] ?? 0);
    assert.deepEqual(writesAfter, writesBefore, 'a provision, create or upgrade was sent');
    assert.equal((await application(emu, 'Voting'))?.TypeVersion, '2.0.0');
  });

  it('a re-run whose provision was lost reuses the blob: same hash, no second upload', async () => {
    // A new version staged once, then provisioned by a second run (as after a failed provision).
    const v3 = await sampleAtVersion('3.0.0');
    const first = await release(v3, { 'application-name': '', provision: 'true', 'delete-blob': 'false' });
    assert.equal(first.exitCode, 0, first.stdout);
    assert.equal(first.outputs['blob-result'], 'uploaded');
    const blob = azurite.container(CONTAINER).getBlobClient(blobName('3.0.0'));
    const etag = (await blob.getProperties()).etag;
    // Unprovision 3.0.0 so that the next run stages it again.
    const res = await fetch(`${emu.url}/ApplicationTypes/VotingType/$/Unprovision?api-version=6.0`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ApplicationTypeVersion: '3.0.0' })
    });
    assert.ok(res.status === 200 || res.status === 202, String(res.status));
    // Until the version is gone (by the clock: a minute only ends the wrong case on a loaded machine).
    let unprovisioned = false;
    for (const deadline = Date.now() + 60_000; !unprovisioned && Date.now() < deadline;) {
      const list = await fetch(`${emu.url}/ApplicationTypes/VotingType?api-version=6.0&ApplicationTypeVersion=3.0.0`).then(
        r => r.json() as Promise<{ Items: unknown[] }>
      );
      unprovisioned = list.Items.length === 0;
      if (!unprovisioned) await new Promise(r => setTimeout(r, 50));
    }
    assert.ok(unprovisioned, 'VotingType 3.0.0 is still listed a minute after its unprovision');
    const again = await release(v3, { 'application-name': '', provision: 'true' });
    assert.equal(again.exitCode, 0, again.stdout);
    assert.equal(again.outputs['blob-result'], 'reused');
    assert.equal(again.outputs['provision-result'], 'provisioned');
    assert.equal((await blob.getProperties()).etag, etag, 'the blob was uploaded again');
  });

  it('delete-blob removes the .sfpkg once provisioned', async () => {
    const v4 = await sampleAtVersion('4.0.0');
    const run = await release(v4, { 'application-name': '', provision: 'true', 'delete-blob': 'true' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['blob-result'], 'uploaded');
    assert.equal(run.outputs['provision-result'], 'provisioned');
    assert.match(run.stdout, /Deleted .*VotingType\.4\.0\.0\.sfpkg/);
    assert.equal(await azurite.container(CONTAINER).getBlobClient(blobName('4.0.0')).exists(), false);
  });

  it('with compress, the .sfpkg holds each Code/Config/Data package as a zip, and the cluster provisions it', async () => {
    const v5 = await sampleAtVersion('5.0.0');
    const run = await release(v5, { 'application-name': '', provision: 'true', compress: 'true' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs['provision-result'], 'provisioned');
    const dir = await mkdtemp(path.join(tmpdir(), 'sfu-sfpkg-check-'));
    const local = path.join(dir, 'v5.sfpkg');
    await azurite.container(CONTAINER).getBlobClient(blobName('5.0.0')).downloadToFile(local);
    const names = (await readZip(local)).map(e => e.name);
    for (const zipped of ['VotingWebPkg/Code.zip', 'VotingWebPkg/Config.zip', 'VotingDataPkg/Code.zip', 'VotingDataPkg/Data.zip']) {
      assert.ok(names.includes(zipped), `${zipped} is not in the .sfpkg: ${names.join(', ')}`);
    }
    assert.ok(!names.some(n => n.startsWith('VotingWebPkg/Code/')), 'the Code folder was packed as well as its zip');
  });

  for (const [name, inputs, pattern] of [
    ['a blob name without .sfpkg', { 'blob-name': 'VotingType/1.0.0.zip' }, /'blob-name'.*must end in '\.sfpkg'/],
    [
      'a SAS without read permission',
      { 'blob-sas': 'sv=2024-08-04&sr=c&sp=wd&se=2099-01-01T00%3A00%3A00Z&sig=abcdefghijklmnop' },
      /'blob-sas' lacks the permission 'r'/
    ],
    ['an expired SAS', { 'blob-sas': 'sv=2024-08-04&sr=c&sp=rw&se=2020-01-01T00%3A00%3A00Z&sig=abcdefghijklmnop' }, /'blob-sas' expired/],
    ['a container URL on a host that is not Azure Storage', { 'blob-container-url': 'https://example.com/packages' }, /Azure Storage blob endpoint/],
    ['a SAS in the container URL', { 'blob-container-url': 'https://acct.blob.core.windows.net/packages?sp=r&sig=x' }, /without a query/],
    ['no credentials for the container', { 'blob-sas': '' }, /needs credentials/]
  ] as const) {
    it(`refuses ${name} before any request`, async () => {
      const before = totalRequests(emu.journal);
      const run = await release(v1, inputs);
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.stdout, pattern);
      assert.equal(totalRequests(emu.journal), before, 'a request reached the cluster');
    });
  }

  it('refuses the Azurite origin without the test-only variable', async () => {
    const run = await release(v1, {}, { SFU_TEST_BLOB_ORIGIN: '' });
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, /must be an https:\/\/ Azure Storage blob endpoint/);
  });
});
