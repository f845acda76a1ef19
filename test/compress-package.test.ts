// End to end: compress: true uploads a compressed copy (deterministic zips), never touches the
// package folder, and the emulator provisions it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../scripts/runner.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { assertCleanJournal, makePackage } from './helpers/packages.js';
import { dllLikeBytes, servicePackageSpec } from './helpers/sf-packages.js';
import { readZip } from './helpers/zip-reader.js';

const KiB = 1024;

function shopSpec(version = '1.0.0') {
  const code: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) code[`lib/Assembly${i}.dll`] = dllLikeBytes(2 * KiB + i * 997, i);
  code['Web.dll'] = dllLikeBytes(300 * KiB, 99); // above chunk-size: goes through a session even zipped
  return servicePackageSpec('ShopType', version, [
    { name: 'WebPkg', version, code, config: { 'Settings.xml': '<Settings/>' } },
    { name: 'DataPkg', version, code: { 'Data.dll': dllLikeBytes(20 * KiB, 7) }, data: { 'seed.json': '[1,2,3]' } }
  ]);
}

/** Every file under a folder with its SHA-256 and mtime, to prove it was not changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(e.parentPath, e.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    out[rel] = e.isDirectory()
      ? 'folder'
      : `${createHash('sha256')
          .update(await readFile(full))
          .digest('hex')} ${(await stat(full)).mtimeMs}`;
  }
  return out;
}

const sha = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('compressed packages', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator()));
  after(() => emu.dispose());

  it('stores <Name>.zip for each package folder, the manifests as they are, and leaves the package folder untouched', async () => {
    const pkg = await makePackage(shopSpec(), 'Shop');
    const before = await snapshot(pkg);
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'Shop', compress: 'true', 'chunk-size': '64KiB' }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assertCleanJournal(emu);
    assert.deepEqual(await snapshot(pkg), before, 'the package folder was changed');

    const stored = (await readdir(emu.diskPath('Shop'), { recursive: true })).map(p => p.split(path.sep).join('/')).sort();
    assert.deepEqual(stored, [
      'ApplicationManifest.xml',
      'DataPkg',
      'DataPkg/Code.zip',
      'DataPkg/Data.zip',
      'DataPkg/ServiceManifest.xml',
      'DataPkg/_.dir',
      'WebPkg',
      'WebPkg/Code.zip',
      'WebPkg/Config.zip',
      'WebPkg/ServiceManifest.xml',
      'WebPkg/_.dir',
      '_.dir'
    ]);
    for (const manifest of ['ApplicationManifest.xml', 'WebPkg/ServiceManifest.xml']) {
      assert.equal(await sha(emu.diskPath(`Shop/${manifest}`)), await sha(path.join(pkg, ...manifest.split('/'))));
    }
    // Each zip holds exactly its folder's files, relative to the folder, byte for byte.
    for (const [zip, folder] of [
      ['WebPkg/Code.zip', 'WebPkg/Code'],
      ['WebPkg/Config.zip', 'WebPkg/Config'],
      ['DataPkg/Code.zip', 'DataPkg/Code'],
      ['DataPkg/Data.zip', 'DataPkg/Data']
    ] as const) {
      const entries = await readZip(emu.diskPath(`Shop/${zip}`));
      const local = (await readdir(path.join(pkg, ...folder.split('/')), { recursive: true, withFileTypes: true }))
        .filter(e => e.isFile())
        .map(e =>
          path
            .relative(path.join(pkg, ...folder.split('/')), path.join(e.parentPath, e.name))
            .split(path.sep)
            .join('/')
        )
        .sort();
      assert.deepEqual(
        entries.map(e => e.name),
        local,
        zip
      );
      for (const e of entries) assert.deepEqual(e.content, await readFile(path.join(pkg, ...folder.split('/'), ...e.name.split('/'))), `${zip}: ${e.name}`);
    }

    const storedBytes = (await Promise.all(stored.filter(f => !f.endsWith('_.dir')).map(f => stat(emu.diskPath(`Shop/${f}`)))))
      .filter(s => s.isFile())
      .reduce((n, s) => n + s.size, 0);
    assert.equal(run.outputs['compressed-bytes'], String(storedBytes));
    assert.equal(run.outputs['file-count'], '7');
    assert.ok(Number(run.outputs['total-bytes']) > storedBytes, "total-bytes is the package folder's size");
    assert.ok(Number(run.outputs['chunked-file-count']) >= 1, 'the large zip went in chunks');
    assert.match(run.stdout, /WebPkg\/Code\/ \(41 files, .*\) → WebPkg\/Code\.zip/);
  });

  it('in a dry run builds the zips to report what would be uploaded, writes nothing and leaves no copy behind', async () => {
    const pkg = await makePackage(shopSpec(), 'Shop');
    const temp = await mkdtemp(path.join(tmpdir(), 'sfu-runner-temp-'));
    const run = await runAction({
      inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': 'DryZip', compress: 'true', 'dry-run': 'true' },
      env: { RUNNER_TEMP: temp }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /Would upload 7 files/);
    assert.ok(Number(run.outputs['compressed-bytes']) > 0, 'compressed-bytes is set');
    assert.deepEqual(await readdir(temp), [], 'the compressed copy is deleted');
    await assert.rejects(stat(emu.diskPath('DryZip')), { code: 'ENOENT' });
  });

  it('gives byte-identical zips on a second run and from a fresh copy of the same files', async () => {
    const first = await makePackage(shopSpec(), 'Shop');
    const second = await makePackage(shopSpec(), 'Shop');
    const zips = ['WebPkg/Code.zip', 'WebPkg/Config.zip', 'DataPkg/Code.zip', 'DataPkg/Data.zip'];
    const hashes: string[][] = [];
    for (const [pkg, dest] of [
      [first, 'Det/1'],
      [first, 'Det/2'],
      [second, 'Det/3']
    ] as const) {
      const run = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pkg, 'image-store-path': dest, compress: 'true' } });
      assert.equal(run.exitCode, 0, run.stdout);
      hashes.push(await Promise.all(zips.map(z => sha(emu.diskPath(`${dest}/${z}`)))));
    }
    assert.deepEqual(hashes[1], hashes[0]);
    assert.deepEqual(hashes[2], hashes[0]);
  });

  it('uploads a package already zipped as it is, and the emulator provisions the compressed package', async () => {
    const spec = shopSpec('2.0.0');
    const pre = await makePackage(shopSpec('2.0.0'), 'Pre');
    const prepared = await runAction({ inputs: { 'cluster-endpoint': emu.url, 'package-path': pre, 'image-store-path': 'Pre', compress: 'true' } });
    assert.equal(prepared.exitCode, 0, prepared.stdout);
    // The user's package already has Config as a zip.
    delete spec['WebPkg/Config/Settings.xml'];
    spec['WebPkg/Config.zip'] = await readFile(emu.diskPath('Pre/WebPkg/Config.zip'));
    const pkg = await makePackage(spec, 'Shop');
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': 'Shop/2.0.0',
        compress: 'true',
        provision: 'true',
        'keep-package': 'true'
      }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /WebPkg\/Config\.zip is already zipped: uploaded as it is\./);
    assert.equal(await sha(emu.diskPath('Shop/2.0.0/WebPkg/Config.zip')), await sha(path.join(pkg, 'WebPkg', 'Config.zip')));
    const provisioned = emu.emulator.management.types.findAvailable('ShopType', '2.0.0');
    assert.ok(provisioned, 'the emulator did not provision the compressed package');
    assert.equal(provisioned.failure, undefined);
  });

  it('turns compression on from the publish profile\'s CopyPackageParameters CompressPackage="true"', async () => {
    const pkg = await makePackage(shopSpec('3.0.0'), 'Shop');
    const profile = path.join(pkg, '..', 'Cloud.xml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      profile,
      '<PublishProfile xmlns="http://schemas.microsoft.com/2015/05/fabrictools"><CopyPackageParameters CompressPackage="true" /></PublishProfile>'
    );
    const run = await runAction({
      inputs: {
        'cluster-endpoint': emu.url,
        'package-path': pkg,
        'image-store-path': 'Shop/3.0.0',
        'publish-profile': profile,
        'application-name': 'fabric:/Shop',
        'keep-package': 'true'
      }
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.ok(run.outputs['compressed-bytes'], 'compressed-bytes is not set');
    assert.deepEqual((await readdir(emu.diskPath('Shop/3.0.0/WebPkg'))).sort(), ['Code.zip', 'Config.zip', 'ServiceManifest.xml', '_.dir']);
    assert.ok(emu.emulator.management.types.findAvailable('ShopType', '3.0.0'));
  });
});
