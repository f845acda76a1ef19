// The compressed copy: which folders become zips, what they hold, and that the user's folder is untouched.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat, truncate, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { compressPackage, startCompression } from '../../src/package/compress-package.js';
import { scanPackage } from '../../src/package/package-scan.js';
import { assertValidPackage } from '../../src/package/validate-package.js';
import { makePackage } from '../helpers/packages.js';
import { dllLikeBytes, servicePackageSpec } from '../helpers/sf-packages.js';
import { readZip } from '../helpers/zip-reader.js';

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(e.parentPath, e.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    if (e.isDirectory()) out[`${rel}/`] = '';
    else
      out[rel] =
        createHash('sha256')
          .update(await readFile(full))
          .digest('hex') + ` ${(await stat(full)).mtimeMs}`;
  }
  return out;
}

function spec() {
  return servicePackageSpec('ShopType', '1.0.0', [
    {
      name: 'WebPkg',
      code: { 'Web.dll': dllLikeBytes(120_000, 1), 'wwwroot/index.html': '<html/>', 'runtimes/win/lib.dll': dllLikeBytes(9000, 2) },
      config: { 'Settings.xml': '<Settings/>' }
    },
    { name: 'DataPkg', code: { 'Data.dll': dllLikeBytes(50_000, 3) }, data: { 'seed.json': '[]' }, container: true }
  ]);
}

describe('compressed copy of a package', () => {
  it('zips each Code/Config/Data folder into <Name>.zip in a temporary folder, manifests as they are, the user folder untouched', async () => {
    const root = await makePackage(spec(), 'Shop', ['WebPkg/Code/logs']);
    const before = await snapshot(root);
    const pkg = await scanPackage(root, ['**']);
    const { layout } = assertValidPackage(pkg);
    const temp = await mkdtemp(path.join(tmpdir(), 'sfu-ctest-'));
    const compressed = await compressPackage(pkg, layout, temp);
    try {
      assert.ok(compressed.pkg.root.startsWith(temp + path.sep));
      assert.deepEqual(
        compressed.pkg.files.map(f => f.relativePath),
        // The files copied as they are, in path order; then the zips in the order they are written: smallest folder first.
        [
          'ApplicationManifest.xml',
          'DataPkg/ServiceManifest.xml',
          'WebPkg/ServiceManifest.xml',
          'DataPkg/Data.zip',
          'WebPkg/Config.zip',
          'DataPkg/Code.zip',
          'WebPkg/Code.zip'
        ]
      );
      assert.deepEqual(compressed.pkg.folders, ['', 'DataPkg', 'WebPkg']);
      assert.deepEqual(
        compressed.compressed.map(c => c.zip),
        ['DataPkg/Code.zip', 'DataPkg/Data.zip', 'WebPkg/Code.zip', 'WebPkg/Config.zip']
      );
      for (const f of compressed.pkg.files) assert.equal((await stat(f.localPath)).size, f.size);
      assert.equal(
        compressed.compressedBytes,
        compressed.pkg.files.reduce((n, f) => n + f.size, 0)
      );
      assert.ok(compressed.compressedBytes < pkg.totalBytes);
      assert.deepEqual(await readFile(path.join(compressed.pkg.root, 'ApplicationManifest.xml')), await readFile(path.join(root, 'ApplicationManifest.xml')));

      // Each zip holds its folder: entries relative to it, the same bytes, the empty folder too.
      const web = await readZip(path.join(compressed.pkg.root, 'WebPkg', 'Code.zip'));
      assert.deepEqual(
        web.map(e => e.name),
        ['Web.dll', 'logs/', 'runtimes/win/lib.dll', 'wwwroot/index.html']
      );
      for (const e of web.filter(e => e.content)) {
        assert.deepEqual(e.content, await readFile(path.join(root, 'WebPkg', 'Code', ...e.name.split('/'))), e.name);
      }
      const data = await readZip(path.join(compressed.pkg.root, 'DataPkg', 'Data.zip'));
      assert.deepEqual(
        data.map(e => [e.name, e.content?.toString()]),
        [['seed.json', '[]']]
      );
      assert.deepEqual(await snapshot(root), before, 'the package folder was changed');
    } finally {
      await compressed.dispose();
    }
    await assert.rejects(stat(compressed.pkg.root), { code: 'ENOENT' });
  });

  it('gives byte-identical zips on a second run, and from a copy of the package made at another time', async () => {
    const a = await makePackage(spec(), 'Shop');
    const b = await makePackage(spec(), 'Shop');
    // "Made at another time": every file and folder of the copy dated years before, not a pause
    // that may or may not move the clock past the file system's timestamp granularity.
    const longAgo = new Date('2001-02-03T04:05:06Z');
    for (const rel of await readdir(b, { recursive: true })) await utimes(path.join(b, rel), longAgo, longAgo);
    assert.notEqual(statSync(path.join(b, 'ApplicationManifest.xml')).mtimeMs, statSync(path.join(a, 'ApplicationManifest.xml')).mtimeMs);
    const zipsOf = async (root: string) => {
      const pkg = await scanPackage(root, ['**']);
      const c = await compressPackage(pkg, assertValidPackage(pkg).layout);
      try {
        return Object.fromEntries(
          await Promise.all(
            c.compressed.map(async z => [
              z.zip,
              createHash('sha256')
                .update(await readFile(path.join(c.pkg.root, z.zip)))
                .digest('hex')
            ])
          )
        );
      } finally {
        await c.dispose();
      }
    };
    const first = await zipsOf(a);
    assert.equal(Object.keys(first).length, 4);
    assert.deepEqual(await zipsOf(a), first);
    assert.deepEqual(await zipsOf(b), first);
  });

  it('uploads a package that is already <Name>.zip as it is', async () => {
    const s = spec();
    const pre = await makePackage(
      { 'ApplicationManifest.xml': '<ApplicationManifest ApplicationTypeName="Pre" ApplicationTypeVersion="1"/>', 'x.dll': 'x' },
      'Pre'
    );
    const pkgPre = await scanPackage(pre, ['**']);
    const { writeDeterministicZip } = await import('../../src/package/zip-writer.js');
    const zipPath = path.join(pre, '..', 'Config.zip');
    await writeDeterministicZip([{ name: 'Settings.xml', localPath: pkgPre.files.find(f => f.relativePath === 'x.dll')!.localPath, size: 1 }], zipPath);
    delete s['WebPkg/Config/Settings.xml'];
    s['WebPkg/Config.zip'] = await readFile(zipPath);
    const root = await makePackage(s, 'Shop');
    const pkg = await scanPackage(root, ['**']);
    const c = await compressPackage(pkg, assertValidPackage(pkg).layout);
    try {
      assert.deepEqual(c.alreadyZipped, ['WebPkg/Config.zip']);
      assert.ok(!c.compressed.some(z => z.zip === 'WebPkg/Config.zip'));
      assert.deepEqual(await readFile(path.join(c.pkg.root, 'WebPkg', 'Config.zip')), await readFile(zipPath));
    } finally {
      await c.dispose();
    }
  });

  it('returns with the other files copied and each zip pending, whose size is final once it is ready', async () => {
    const root = await makePackage(spec(), 'Shop');
    const pkg = await scanPackage(root, ['**']);
    const temp = await mkdtemp(path.join(tmpdir(), 'sfu-ctest-'));
    const run = await startCompression(pkg, assertValidPackage(pkg).layout, temp);
    try {
      const manifest = run.pkg.files.find(f => f.relativePath === 'ApplicationManifest.xml')!;
      assert.equal(manifest.ready, undefined);
      assert.equal((await stat(manifest.localPath)).size, manifest.size, 'copied before startCompression returns');
      const zips = run.pkg.files.filter(f => f.relativePath.endsWith('.zip'));
      assert.equal(zips.length, 4);
      assert.ok(zips.every(z => z.ready !== undefined));
      const done = await run.finished;
      for (const z of zips) {
        await z.ready;
        assert.equal(z.size, (await stat(z.localPath)).size, z.relativePath);
      }
      assert.equal(done.compressedBytes, run.pkg.totalBytes);
      assert.equal(
        run.pkg.totalBytes,
        run.pkg.files.reduce((n, f) => n + f.size, 0)
      );
    } finally {
      await run.dispose();
    }
    assert.deepEqual(await readdir(temp), [], 'dispose deletes the copy');
  });

  it('writes the zips one at a time, smallest folder first: the first is complete before any other has a byte', async () => {
    // In path order the largest folder (AaaPkg) would come first.
    const sizes: [string, number][] = [
      ['AaaPkg', 24],
      ['BbbPkg', 4],
      ['CccPkg', 12]
    ];
    const root = await makePackage(
      servicePackageSpec(
        'OrderType',
        '1.0.0',
        sizes.map(([name, files], s) => ({
          name,
          code: Object.fromEntries(Array.from({ length: files }, (_, i) => [`f${i}.dll`, dllLikeBytes(100_000, s * 100 + i)]))
        }))
      ),
      'Order'
    );
    const pkg = await scanPackage(root, ['**']);
    const temp = await mkdtemp(path.join(tmpdir(), 'sfu-ctest-'));
    const run = await startCompression(pkg, assertValidPackage(pkg).layout, temp);
    try {
      const zips = run.pkg.files.filter(f => f.ready !== undefined);
      assert.deepEqual(
        zips.map(z => z.relativePath),
        ['BbbPkg/Code.zip', 'CccPkg/Code.zip', 'AaaPkg/Code.zip']
      );
      const readyOrder: string[] = [];
      // Checked in the ready callback itself: no I/O callback runs between the resolve and it, so a
      // zip started after this one cannot have written a byte yet, while one built beside it would have.
      const othersWritten = zips.map(z =>
        z.ready!.then(() => {
          readyOrder.push(z.relativePath);
          return zips.filter(o => !readyOrder.includes(o.relativePath)).some(o => existsSync(o.localPath) && statSync(o.localPath).size > 0);
        })
      );
      await run.finished;
      assert.deepEqual(readyOrder, ['BbbPkg/Code.zip', 'CccPkg/Code.zip', 'AaaPkg/Code.zip']);
      assert.deepEqual(await Promise.all(othersWritten), [false, false, false], 'a zip had bytes before the one before it was complete');
    } finally {
      await run.dispose();
    }
  });

  it('rejects every pending zip with the failure of one, and leaves nothing behind once disposed', async () => {
    const root = await makePackage(spec(), 'Shop');
    const pkg = await scanPackage(root, ['**']);
    const temp = await mkdtemp(path.join(tmpdir(), 'sfu-ctest-'));
    await truncate(path.join(root, 'WebPkg', 'Code', 'Web.dll'), 10);
    const run = await startCompression(pkg, assertValidPackage(pkg).layout, temp);
    await assert.rejects(run.finished, /Web\.dll' changed while it was being zipped \(10 bytes instead of the 120000 scanned\)/);
    const zips = run.pkg.files.filter(f => f.relativePath.endsWith('.zip'));
    const settled = await Promise.allSettled(
      zips.filter(z => z.relativePath.startsWith('WebPkg/')).map(z => z.ready ?? Promise.reject(new Error(`${z.relativePath} has no ready`)))
    );
    assert.ok(
      settled.some(r => r.status === 'rejected'),
      'the failed zip is rejected'
    );
    await run.dispose();
    assert.deepEqual(await readdir(temp), []);
  });

  it('stops zipping when disposed, and deletes what was written', async () => {
    const big = servicePackageSpec('BigType', '1.0.0', [
      { name: 'BigPkg', code: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.dll`, dllLikeBytes(300_000, i)])) }
    ]);
    const root = await makePackage(big, 'Big');
    const pkg = await scanPackage(root, ['**']);
    const temp = await mkdtemp(path.join(tmpdir(), 'sfu-ctest-'));
    const run = await startCompression(pkg, assertValidPackage(pkg).layout, temp);
    await run.dispose();
    await assert.rejects(run.finished);
    assert.deepEqual(await readdir(temp), []);
  });
});
