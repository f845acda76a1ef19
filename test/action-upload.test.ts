// End to end: the built dist/index.js, run as the runner runs it, against the emulator.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { REFUSED_HTTP_ENDPOINT } from './helpers/refused-endpoint.js';
import { assertCleanJournal, assertStoreMatchesPackage, countFolders, makePackage, realisticPackageSpec } from './helpers/packages.js';

const KiB = 1024;

describe('upload a package', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ listPageSize: 50 })));
  after(() => emu.dispose());

  it('uploads many small files by PUT and large ones by chunks, byte for byte, marks last, every output set', async () => {
    const spec = realisticPackageSpec({ smallFiles: 150, largeSizes: [300 * KiB + 17, 256 * KiB] });
    Object.assign(spec, {
      'VotingWebPkg/Code/wwwroot/a b#c%d+e;f&g=h.txt': 'odd name',
      'VotingWebPkg/Code/wwwroot/Résumé-東京.txt': 'non-ASCII name',
      'VotingWebPkg/Code/wwwroot/exactly-chunk.bin': 64 * KiB
    });
    const pkg = await makePackage(spec, 'VotingApp', ['VotingDataPkg/Data/EmptyFolder']);
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'VotingApp', 'chunk-size': '64KiB', concurrency: '6' }
    });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    await assertStoreMatchesPackage(emu, 'VotingApp', pkg);
    assertCleanJournal(emu);

    const fileCount = Object.keys(spec).length;
    const totalBytes = Object.values(spec).reduce<number>((n, c) => n + (typeof c === 'number' ? c : Buffer.byteLength(c)), 0);
    assert.equal(run.outputs['image-store-path'], 'VotingApp');
    assert.equal(run.outputs['file-count'], String(fileCount));
    assert.equal(run.outputs['folder-count'], String(await countFolders(pkg)));
    assert.equal(run.outputs['folder-count'], '20'); // root, 2 services, 2×Code, 2×Config, 10 lib, wwwroot, Data, EmptyFolder
    assert.equal(run.outputs['chunked-file-count'], '2');
    assert.equal(run.outputs['total-bytes'], String(totalBytes));
    assert.equal(run.outputs['store-size-bytes'], String(totalBytes));
    assert.ok(Number(run.outputs['duration-seconds']) > 0);
    assert.ok(Number(run.outputs['throughput-bytes-per-second']) > 0);
    assert.equal(run.outputs['copied-to'], undefined);

    // The package root's mark file is the last write of the upload.
    const writes = emu.journal.entries.filter(e => e.op === 'upload-file' || e.op === 'commit' || e.op === 'upload-chunk');
    assert.equal(writes.at(-1)?.path, 'VotingApp/_.dir');
    // The file exactly as large as a chunk goes by PUT; the others above it by session.
    const committed = emu.journal.entries
      .filter(e => e.op === 'commit')
      .map(e => e.path)
      .sort();
    assert.deepEqual(committed, ['VotingApp/VotingDataPkg/Data/blob0.bin', 'VotingApp/VotingDataPkg/Data/blob1.bin']);
    assert.equal(emu.journal.entries.filter(e => e.op === 'upload-chunk').length, 5 + 4);

    // Keep-alive: a handful of connections for hundreds of requests; the first body on each
    // connection waited for `100 Continue`, later ones did not pay that round trip.
    assert.ok(emu.journal.connections >= 1 && emu.journal.connections <= 6, `connections: ${emu.journal.connections}`);
    assert.ok(emu.journal.bodiesAfterContinue >= 1 && emu.journal.bodiesAfterContinue <= emu.journal.connections);

    assert.match(run.summary, /Service Fabric package upload/);
    assert.ok(run.summary.includes(`<td>Files uploaded</td><td>${fileCount}</td>`), run.summary);
    assert.match(run.stdout, /::group::Scan the package/);
    assert.match(run.stdout, /::group::Write the mark files/);
    assert.match(run.stdout, /::group::Verify/);
    assert.ok(run.stdout.includes(`uploaded ${fileCount}/${fileCount} files`), run.stdout);
  });

  it('waits for 100 Continue before every body when told to (SFU_EXPECT_CONTINUE=always)', async () => {
    const spec = {
      'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
      'Svc/a.txt': 'a',
      'Svc/empty.txt': '',
      'Svc/big.bin': 150 * KiB
    };
    const pkg = await makePackage(spec, 'Always');
    const before = emu.journal.bodiesAfterContinue;
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Always', 'chunk-size': '64KiB' },
      env: { SFU_EXPECT_CONTINUE: 'always' }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    await assertStoreMatchesPackage(emu, 'Always', pkg);
    // Two small non-empty files, three chunks and the run's lease marker; the empty file and the mark files have no body.
    assert.equal(emu.journal.bodiesAfterContinue - before, 2 + 3 + 1);
  });

  it('copies the upload within the store with copy-to, and deletes cleanup-paths afterwards', async () => {
    const pkg = await makePackage(
      { 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>', 'Svc/Code/app.dll': 70 * KiB },
      'CopyApp'
    );
    await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Old/One' } });
    await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Old/Two' } });
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': 'CopyApp/2.0',
        'copy-to': 'Archive/CopyApp/2.0',
        'cleanup-paths': 'Old/One\nOld/Two\nNever/Existed',
        'chunk-size': '64KiB'
      }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    await assertStoreMatchesPackage(emu, 'CopyApp/2.0', pkg);
    await assertStoreMatchesPackage(emu, 'Archive/CopyApp/2.0', pkg);
    assert.equal(run.outputs['copied-to'], 'Archive/CopyApp/2.0');
    await assert.rejects(stat(emu.diskPath('Old/One')));
    await assert.rejects(stat(emu.diskPath('Old/Two')));
    assertCleanJournal(emu);
    const ops = emu.journal.entries.map(e => `${e.op} ${e.path}`);
    const rootMark = ops.lastIndexOf('upload-file CopyApp/2.0/_.dir');
    assert.ok(rootMark < ops.indexOf('copy Archive/CopyApp/2.0'), 'copy came before the root mark file');
    assert.ok(ops.indexOf('copy Archive/CopyApp/2.0') < ops.lastIndexOf('delete Old/One'), 'cleanup came before the copy');
  });

  it('leaves the store untouched in a dry run and reports the plan', async () => {
    const pkg = await makePackage(
      {
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/a.txt': 'a',
        'Svc/big.bin': 100 * KiB
      },
      'DryApp'
    );
    const before = emu.journal.entries.length;
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'DryApp', 'dry-run': 'true', 'chunk-size': '64KiB' }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(emu.journal.entries.length, before, 'a dry run changed the store');
    await assert.rejects(stat(emu.diskPath('DryApp')));
    assert.equal(run.outputs['file-count'], '3');
    assert.equal(run.outputs['folder-count'], '2');
    assert.equal(run.outputs['chunked-file-count'], '1');
    assert.match(run.stdout, /Would upload 3 files/);
    assert.match(run.summary, /Dry run/);
  });
});

describe('clusters of other kinds', () => {
  it('sums a listing for store-size-bytes where the cluster has no FolderSize (6.4)', async () => {
    const emu = await startTestEmulator({ maxApiVersion: '6.4' });
    try {
      const pkg = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/Code/a.bin': 90 * KiB,
        'Svc/b.txt': 'bb'
      });
      const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'App', 'chunk-size': '64KiB' } });
      assert.equal(run.exitCode, 0, run.stdout);
      await assertStoreMatchesPackage(emu, 'App', pkg);
      assertCleanJournal(emu);
      assert.equal(run.outputs['store-size-bytes'], String(90 * KiB + 79 + 2));
      assert.match(run.stdout, /summed from a listing/);
    } finally {
      await emu.dispose();
    }
  });

  it('falls back to single PUTs, with one warning, on a cluster without upload sessions', async () => {
    const emu = await startTestEmulator({ uploadSessions: false });
    try {
      const pkg = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/Code/a.bin': 200 * KiB + 1,
        'Svc/Code/b.bin': 150 * KiB,
        'Svc/Data/c.bin': 300 * KiB
      });
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'App', 'chunk-size': '64KiB', concurrency: '1' }
      });
      assert.equal(run.exitCode, 0, run.stdout);
      await assertStoreMatchesPackage(emu, 'App', pkg);
      assertCleanJournal(emu);
      assert.equal(run.outputs['chunked-file-count'], '0');
      assert.equal(run.outputs['file-count'], '4');
      assert.equal(run.stdout.match(/::warning::This cluster has no upload sessions/g)?.length, 1);
    } finally {
      await emu.dispose();
    }
  });

  it('reads Windows-style StoreRelativePath (\\) and Linux-style (/) alike', async () => {
    const emu = await startTestEmulator({ pathSeparator: '/' });
    try {
      const pkg = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'A/B/C/deep.txt': 'deep'
      });
      const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'App' } });
      assert.equal(run.exitCode, 0, run.stdout);
      await assertStoreMatchesPackage(emu, 'App', pkg);
    } finally {
      await emu.dispose();
    }
  });
});

describe('clear errors', () => {
  it('says nothing listens at the endpoint when the connection is refused', async () => {
    const url = REFUSED_HTTP_ENDPOINT;
    const pkg = await makePackage({ 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>' });
    const run = await runAction({ inputs: { 'cluster-endpoint': url, 'package-path': pkg, retries: '2' } });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, new RegExp(`::error::.*Nothing listens at ${url.replace(/[.]/g, '\\.')}`));
    assert.match(run.summary, /Upload failed/);
    assert.equal(run.outputs['total-bytes'], '79', 'outputs known before the failure are set');
  });

  it('names the file, the status and the Fabric code when the cluster refuses a request', async () => {
    const emu = await startTestEmulator();
    try {
      // A folder where the package has a file: the cluster cannot write the file there.
      const pkg = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/clash': 'file'
      });
      const blocker = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Svc/clash/inner.txt': 'x'
      });
      await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': blocker, 'image-store-path': 'App' } });
      const run = await runAction({
        inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'App', overwrite: 'merge', retries: '1' }
      });
      assert.equal(run.exitCode, 1);
      assert.match(run.stdout, /::error::upload file 'App\/Svc\/clash' failed: HTTP 400 E_INVALIDARG/);
      assert.equal(await readFile(emu.diskPath('App/Svc/clash/inner.txt'), 'utf8'), 'x');
      await assert.rejects(stat(emu.diskPath('App/_.dir')), 'the root mark file was written after a failure');
    } finally {
      await emu.dispose();
    }
  });
});

describe('symbolic links in the package', () => {
  it('follows a link that stays inside the package and refuses one that leaves it', async () => {
    const { symlink, mkdtemp: mkd, writeFile: wf } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const emu = await startTestEmulator();
    try {
      const inside = await makePackage({
        'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>',
        'Shared/config.json': '{"a":1}'
      });
      await symlink(path.join(inside, 'Shared'), path.join(inside, 'Linked'));
      const ok = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': inside, 'image-store-path': 'App' } });
      assert.equal(ok.exitCode, 0, ok.stdout);
      assert.equal(await readFile(emu.diskPath('App/Linked/config.json'), 'utf8'), '{"a":1}');

      const outsideDir = await mkd(path.join(tmpdir(), 'sfu-outside-'));
      await wf(path.join(outsideDir, 'secret.txt'), 'not part of the package');
      const leaking = await makePackage(
        { 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="App" ApplicationTypeVersion="1.0.0"/>' },
        'Leaky'
      );
      await symlink(path.join(outsideDir, 'secret.txt'), path.join(leaking, 'secret.txt'));
      const requestsBefore = JSON.stringify(emu.journal.requests);
      const refused = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': leaking, 'image-store-path': 'Leaky' } });
      assert.equal(refused.exitCode, 1);
      assert.match(refused.stdout, /::error::'secret\.txt' in 'package-path' is a link to '.*secret\.txt', outside the package/);
      assert.equal(JSON.stringify(emu.journal.requests), requestsBefore);
    } finally {
      await emu.dispose();
    }
  });
});
